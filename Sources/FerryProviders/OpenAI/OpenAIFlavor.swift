/// Which OpenAI-compatible server a backend is: decides health endpoints, hints and small quirks.
public enum OpenAIFlavor: String, Sendable, CaseIterable, Codable {
    case vllm
    case llamacpp
    case openai
    case openrouter
    case tgi
    case generic

    /// Health endpoints to try, in order.
    var healthPaths: [String] {
        switch self {
        case .vllm: ["/health", "/v1/models", "/models"]
        case .llamacpp, .tgi: ["/health", "/v1/models"]
        case .openai, .openrouter: ["/v1/models"]
        case .generic: ["/health", "/v1/models", "/models"]
        }
    }

    /// How to start (or reach) such a server, for connection errors.
    func startHint(endpoint: BackendEndpoint, model: String?) -> String {
        let port = endpoint.port.map(String.init) ?? "8000"
        let name = model ?? "MODEL"
        return switch self {
        case .vllm: "start it with `vllm serve \(name) --port \(port)`, or fix the URL"
        case .llamacpp: "start it with `llama-server -m \(name).gguf --port \(port)`, or fix the URL"
        case .tgi: "start it with `text-generation-launcher --model-id \(name) --port \(port)`, or fix the URL"
        case .openai, .openrouter: "check network access to \(endpoint.host) (proxy, firewall) and the base URL"
        case .generic: "start the server on port \(port), or fix the URL"
        }
    }
}
