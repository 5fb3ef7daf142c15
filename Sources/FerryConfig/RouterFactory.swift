import FerryCore
import FerryLaunch
import FerryProviders
import FerryWire
import Logging
import FerryRouter

/// Builds providers and the router from a ``FerryConfiguration`` (the "factory").
///
/// ```swift
/// let http = ProviderHTTPClient()
/// let router = try await RouterFactory.makeRouter(configuration, http: http)
/// let discovery = RouterFactory.replicaDiscovery(configuration, router: router, http: http)  // for dns:// backends
/// ```
public enum RouterFactory {
    /// Providers for every backend (one per URL; `dns://` names resolved now), and the router over them.
    public static func makeRouter(_ configuration: FerryConfiguration, http: ProviderHTTPClient, clock: any RouterClock = SystemRouterClock()) async throws(FerryError) -> Router {
        var members: [String: [RouteBackend]] = [:]
        for backend in configuration.backends {
            members[backend.name] = try await replicas(of: backend, http: http)
        }
        return Router(routes: routes(configuration.routes, members: members), breaker: configuration.circuitBreaker, clock: clock)
    }

    /// Applies a reload to a running router (``ConfigurationChange``): backends to build are built (their
    /// providers on the same HTTP client), kept ones keep the members the router has now (discovered replicas
    /// included), and the routes are replaced at once — requests in flight finish on the routes they started with.
    public static func apply(_ change: ConfigurationChange, to router: Router, http: ProviderHTTPClient) async throws(FerryError) {
        var members: [String: [RouteBackend]] = [:]
        let running = router.routes.flatMap(\.backends)
        for backend in change.kept {
            var seen: Set<String> = []
            let current = running.filter { ($0.group ?? $0.name) == backend.name && seen.insert($0.name).inserted }
            // A backend no route used until now has no members running: built like a new one — unless Ferry
            // launches it (its process would have no supervisor until a restart).
            if current.isEmpty, backend.launch != nil {
                throw FerryError(
                    code: .configuration, message: "The configuration was not reloaded: launched backend \(backend.name) is used by a route for the first time",
                    hint: "restart ferry serve so that its process starts; the running configuration stays until then"
                )
            }
            members[backend.name] = current.isEmpty ? try await replicas(of: backend, http: http) : current
        }
        for backend in change.built {
            members[backend.name] = try await replicas(of: backend, http: http)
        }
        router.replaceRoutes(routes(change.routes, members: members))
    }

    private static func routes(_ specs: [FerryConfiguration.RouteSpec], members: [String: [RouteBackend]]) -> [Route] {
        specs.map { spec in
            Route(name: spec.name, aliases: spec.aliases, backends: spec.backends.flatMap { members[$0] ?? [] }, strategy: spec.strategy, retry: spec.retry, timeouts: spec.timeouts, loadFactor: spec.loadFactor)
        }
    }

    /// The service that re-resolves the `dns://` backends at the configured interval (nil when there are none).
    public static func replicaDiscovery(_ configuration: FerryConfiguration, router: Router, http: ProviderHTTPClient) -> ReplicaDiscovery? {
        let dynamic = configuration.backends.filter { $0.urls.contains { DNSName($0) != nil } }
        guard !dynamic.isEmpty else { return nil }
        return ReplicaDiscovery(backends: dynamic, router: router, http: http, interval: configuration.dnsRefreshInterval)
    }

    /// A backend's replicas as route members: one per URL, every address of a `dns://` name. A backend with
    /// one plain URL keeps its name; replicas are named `backend@host:port`.
    static func replicas(of backend: FerryConfiguration.Backend, http: ProviderHTTPClient) async throws(FerryError) -> [RouteBackend] {
        try await members(of: backend, http: http).map { member in
            guard backend.usesPromptedTools else { return member }
            var prompted = member
            prompted.model = PromptedToolModel(wrapping: member.model, constrained: backend.constrainsPromptedTools)
            return prompted
        }
    }

    /// ``replicas(of:http:)`` before tools are dealt with.
    private static func members(of backend: FerryConfiguration.Backend, http: ProviderHTTPClient) async throws(FerryError) -> [RouteBackend] {
        if let launch = backend.launch {
            return [RouteBackend(name: backend.name, model: managed(backend, launch: launch, http: http), modelName: backend.model, defaults: backend.defaults, passthrough: backend.passthrough)]
        }
        var urls: [String] = []
        for url in backend.urls {
            if let name = DNSName(url) {
                let addresses: [String]
                do {
                    addresses = try await name.resolve()
                } catch let error as FerryError {
                    throw error.located(ErrorLocation(backend: backend.name, url: url))
                } catch {
                    throw FerryError(code: .connectionFailed, message: "Resolving \(url) failed: \(error)", location: ErrorLocation(backend: backend.name, url: url), hint: "check the name and the resolver")
                }
                urls.append(contentsOf: addresses.map { "http://\($0):\(name.port)" })
            } else {
                urls.append(url)
            }
        }
        if urls.isEmpty, backend.urls.isEmpty {
            return [RouteBackend(name: backend.name, model: try makeProvider(backend, url: nil, name: backend.name, http: http), modelName: backend.model, defaults: backend.defaults, passthrough: backend.passthrough)]
        }
        let grouped = urls.count > 1 || backend.urls.contains { DNSName($0) != nil }
        return try urls.map { url throws(FerryError) in
            let name = grouped ? "\(backend.name)@\(try BackendEndpoint(url).hostAndPort)" : backend.name
            return RouteBackend(
                name: name, model: try makeProvider(backend, url: url, name: name, http: http), modelName: backend.model,
                defaults: backend.defaults, group: grouped ? backend.name : nil, passthrough: backend.passthrough
            )
        }
    }

    /// The server processes of the router's launched backends, to run as services (`ferry serve` puts them in its
    /// service group; other commands run them for as long as they need the router).
    public static func managedProcesses(of router: Router) -> [ManagedProcess] {
        var seen: Set<String> = []
        return router.routes.flatMap(\.backends).compactMap { backend in
            backend.model.unwrapped as? ManagedLanguageModel
        }.map(\.process).filter { seen.insert($0.name).inserted }
    }

    /// A launched backend: its process, probed through the provider's own health check, and the provider on the
    /// port the process got.
    public static func managed(_ backend: FerryConfiguration.Backend, launch: LaunchSpec, http: ProviderHTTPClient) -> ManagedLanguageModel {
        let logger = Logger(label: "ferry.launch")
        let process = ManagedProcess(name: backend.name, spec: launch, logger: logger) { port in
            guard let provider = try? makeProvider(backend, url: "http://127.0.0.1:\(port)", name: backend.name, http: http) else { return false }
            let report = await provider.health()
            guard report.answeredBy != nil else { return false }
            // Ollama answers before its model is pulled: say how to pull it.
            if backend.provider == .ollama, let model = backend.model, !report.servedModels.contains(where: { OllamaModelName.matches($0, model) }) {
                logger.warning("Ollama does not have \(model): pull it with `OLLAMA_HOST=127.0.0.1:\(port) ollama pull \(model)`", metadata: ["backend": "\(backend.name)"])
            }
            return true
        }
        return ManagedLanguageModel(process: process) { port throws(FerryError) in
            try makeProvider(backend, url: "http://127.0.0.1:\(port)", name: backend.name, http: http)
        }
    }

    /// One provider for one URL of a backend.
    public static func makeProvider(_ backend: FerryConfiguration.Backend, url: String?, name: String, http: ProviderHTTPClient) throws(FerryError) -> any LanguageModel {
        switch backend.provider {
        case .ollama:
            return OllamaProvider(name: name, endpoint: try BackendEndpoint(url ?? backend.provider.defaultURL ?? "", versionSuffixes: OllamaProvider.versionSuffixes), defaultModel: backend.model, http: http)
        case .gemini:
            let endpoint = try BackendEndpoint(url ?? backend.provider.defaultURL ?? "", versionSuffixes: GeminiProvider.versionSuffixes)
            return GeminiProvider(name: name, endpoint: endpoint, apiKey: backend.apiKey, defaultModel: backend.model, http: http)
        case .anthropic:
            let endpoint = try BackendEndpoint(url ?? backend.provider.defaultURL ?? "", versionSuffixes: AnthropicProvider.versionSuffixes)
            return AnthropicProvider(name: name, endpoint: endpoint, apiKey: backend.apiKey, defaultModel: backend.model, defaultMaxTokens: backend.defaults.maxTokens ?? 4096, http: http)
        case .vllm, .llamacpp, .openai, .openrouter, .tgi, .generic:
            let flavor = OpenAIFlavor(rawValue: backend.provider.rawValue) ?? .generic
            guard let url = url ?? backend.provider.defaultURL else {
                throw FerryError(code: .configuration, message: "Backend `\(backend.name)` (\(backend.provider.rawValue)) has no url", hint: "set backends.\(backend.name).url, e.g. http://127.0.0.1:8000")
            }
            return OpenAICompatibleProvider(name: name, endpoint: try BackendEndpoint(url), flavor: flavor, apiKey: backend.apiKey, defaultModel: backend.model, http: http)
        }
    }
}
