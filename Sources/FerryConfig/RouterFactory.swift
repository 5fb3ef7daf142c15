import FerryCore
import FerryProviders
import FerryRouter

/// Builds providers and the router from a ``FerryConfiguration`` (the "factory").
///
/// ```swift
/// let http = ProviderHTTPClient()
/// let router = try RouterFactory.makeRouter(configuration, http: http)
/// ```
public enum RouterFactory {
    public static func makeRouter(_ configuration: FerryConfiguration, http: ProviderHTTPClient, clock: any RouterClock = SystemRouterClock()) throws(FerryError) -> Router {
        var models: [String: RouteBackend] = [:]
        for backend in configuration.backends {
            models[backend.name] = RouteBackend(name: backend.name, model: try makeProvider(backend, http: http), modelName: backend.model, defaults: backend.defaults)
        }
        let routes = configuration.routes.map { spec in
            Route(name: spec.name, aliases: spec.aliases, backends: spec.backends.compactMap { models[$0] }, strategy: spec.strategy, retry: spec.retry, timeouts: spec.timeouts)
        }
        return Router(routes: routes, breaker: configuration.circuitBreaker, clock: clock)
    }

    /// One provider for one backend.
    public static func makeProvider(_ backend: FerryConfiguration.Backend, http: ProviderHTTPClient) throws(FerryError) -> any LanguageModel {
        switch backend.provider {
        case .ollama:
            return OllamaProvider(name: backend.name, endpoint: try BackendEndpoint(backend.url ?? "http://localhost:11434", versionSuffixes: OllamaProvider.versionSuffixes), defaultModel: backend.model, http: http)
        case .gemini:
            let endpoint = try BackendEndpoint(backend.url ?? GeminiProvider.defaultEndpoint, versionSuffixes: GeminiProvider.versionSuffixes)
            return GeminiProvider(name: backend.name, endpoint: endpoint, apiKey: backend.apiKey, defaultModel: backend.model, http: http)
        case .vllm, .llamacpp, .openai, .openrouter, .tgi, .generic:
            let flavor = OpenAIFlavor(rawValue: backend.provider.rawValue) ?? .generic
            let fallbackURL: String? = switch flavor {
            case .openai: "https://api.openai.com/v1"
            case .openrouter: "https://openrouter.ai/api/v1"
            default: nil
            }
            guard let url = backend.url ?? fallbackURL else {
                throw FerryError(code: .configuration, message: "Backend `\(backend.name)` (\(backend.provider.rawValue)) has no url", hint: "set backends.\(backend.name).url, e.g. http://127.0.0.1:8000")
            }
            return OpenAICompatibleProvider(name: backend.name, endpoint: try BackendEndpoint(url), flavor: flavor, apiKey: backend.apiKey, defaultModel: backend.model, http: http)
        }
    }
}
