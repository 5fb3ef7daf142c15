import FerryCore
import FerryRouter
import Foundation

/// The environment names users of this kind of system already have, turned into one route named `default`.
enum LegacyEnvironment {
    struct Result {
        var backends: [FerryConfiguration.Backend]
        var route: FerryConfiguration.RouteSpec?
        var provenance: [(String, String, String)]
    }

    static let providers = ["vllm", "ollama", "openai", "openrouter", "gemini", "huggingface", "local"]

    static func route(values: ConfigurationValues, existing: [FerryConfiguration.Backend]) throws(FerryError) -> Result {
        var provenance: [(String, String, String)] = []
        func read(_ key: String) -> String? {
            let value = values.string(key)
            if let value { provenance.append((key, key.hasSuffix("api_key") || key.hasSuffix("token") ? "••••" : value, values.source(of: key))) }
            return value
        }
        let provider = read("llm.provider")?.lowercased()
        let useVLLM = try values.bool("use.vllm") ?? false
        if useVLLM { provenance.append(("use.vllm", "true", values.source(of: "use.vllm"))) }
        if let provider, !providers.contains(provider) {
            throw values.invalid("llm.provider", provider, accepted: providers.joined(separator: ", "))
        }
        let vllmURL = read("vllm.base_url") ?? read("vllm.host").map { url(fromHost: $0, defaultPort: 8000) }
        let ollamaURL = read("ollama.base_url") ?? read("ollama.host").map { url(fromHost: $0, defaultPort: 11434) }
        let ollamaModel = read("ollama.model")
        var backends: [FerryConfiguration.Backend] = []

        func vllm() throws(FerryError) -> FerryConfiguration.Backend {
            var backend = FerryConfiguration.Backend(name: "vllm", provider: .vllm, urls: [vllmURL ?? "http://localhost:8000"], model: read("vllm.model"), apiKey: read("vllm.api_key"), defaults: SamplingParameters())
            backend.defaults.temperature = try values.double("vllm.temperature", in: 0...2)
            backend.defaults.maxTokens = try values.int("vllm.max_tokens", in: 1...1_000_000)
            try ConfigurationLoader.checkURL(backend.url, key: values.string("vllm.base_url") != nil ? "vllm.base_url" : "vllm.host", values: values)
            return backend
        }
        func ollama() throws(FerryError) -> FerryConfiguration.Backend {
            let backend = FerryConfiguration.Backend(name: "ollama", provider: .ollama, urls: [ollamaURL ?? "http://localhost:11434"], model: ollamaModel, apiKey: nil, defaults: SamplingParameters())
            try ConfigurationLoader.checkURL(backend.url, key: values.string("ollama.base_url") != nil ? "ollama.base_url" : "ollama.host", values: values)
            return backend
        }

        if useVLLM { backends.append(try vllm()) }
        switch provider {
        case "vllm"?:
            if !useVLLM { backends.append(try vllm()) }
        case "ollama"?:
            backends.append(try ollama())
        case nil:
            // USE_VLLM alone: vLLM first, Ollama as fallback.
            if useVLLM { backends.append(try ollama()) }
        case "openai"?:
            backends.append(.init(name: "openai", provider: .openai, urls: [read("openai.base_url") ?? FerryConfiguration.ProviderKind.openai.defaultURL ?? ""], model: read("openai.model"), apiKey: read("openai.api_key"), defaults: SamplingParameters()))
        case "openrouter"?:
            backends.append(.init(name: "openrouter", provider: .openrouter, urls: [read("openrouter.base_url") ?? FerryConfiguration.ProviderKind.openrouter.defaultURL ?? ""], model: read("openrouter.model"), apiKey: read("openrouter.api_key"), defaults: SamplingParameters()))
        case "gemini"?:
            backends.append(.init(name: "gemini", provider: .gemini, urls: read("gemini.base_url").map { [$0] } ?? [], model: read("gemini.model"), apiKey: read("gemini.api_key"), defaults: SamplingParameters()))
        case "huggingface"?:
            guard let url = read("hf.base_url") ?? read("tgi.base_url") ?? vllmURL else {
                throw FerryError(code: .configuration, message: "LLM_PROVIDER=huggingface needs the URL of a TGI or vLLM server", hint: "set HF_BASE_URL (or TGI_BASE_URL, or VLLM_BASE_URL), e.g. http://127.0.0.1:8080")
            }
            backends.append(.init(name: "huggingface", provider: .tgi, urls: [url], model: read("hf.model") ?? read("vllm.model"), apiKey: read("hf.token") ?? read("huggingface.api_key"), defaults: SamplingParameters()))
        case "local"?:
            // A server on this machine when its URL is given; else Ferry's embedded engine.
            if vllmURL != nil {
                if !useVLLM { backends.append(try vllm()) }
            } else {
                backends.append(LaunchConfiguration.embeddedEngineBackend())
            }
        default:
            break
        }
        if useVLLM, provider != nil, provider != "vllm", provider != "local", backends.count == 1 { backends.append(try ollama()) }
        guard !backends.isEmpty else { return Result(backends: [], route: nil, provenance: provenance) }
        let aliases = Array(Set(backends.compactMap(\.model))).sorted()
        let timeout = try values.duration("vllm.timeout")
        let spec = try ConfigurationLoader.route(name: "default", key: "routes.default", backends: backends.map(\.name), aliases: aliases, values: values, totalTimeout: timeout)
        return Result(backends: backends, route: spec, provenance: provenance)
    }

    /// `VLLM_HOST=gpu-box` or `gpu-box:9000` or `http://gpu-box:9000` → a base URL.
    static func url(fromHost host: String, defaultPort: Int) -> String {
        if host.hasPrefix("http://") || host.hasPrefix("https://") { return host }
        let bare = host == "0.0.0.0" ? "127.0.0.1" : host
        return bare.contains(":") && !bare.hasPrefix("[") ? "http://\(bare.replacingOccurrences(of: "0.0.0.0", with: "127.0.0.1"))" : "http://\(bare):\(defaultPort)"
    }
}
