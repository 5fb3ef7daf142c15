import FerryProviders

extension FerryConfiguration.ProviderKind {
    /// The URL a backend of this kind uses when it names none: the cloud API's, or Ollama's usual local address.
    public var defaultURL: String? {
        switch self {
        case .openai: "https://api.openai.com/v1"
        case .openrouter: "https://openrouter.ai/api/v1"
        case .gemini: GeminiProvider.defaultEndpoint
        case .anthropic: AnthropicProvider.defaultEndpoint
        case .ollama: "http://localhost:11434"
        case .vllm, .llamacpp, .tgi, .generic: nil
        }
    }

    /// The kind of server a launch preset runs (`sim` speaks its `dialect`); nil for an unknown preset.
    public init?(launchPreset preset: String, dialect: String? = nil) {
        switch preset.lowercased() {
        case "vllm": self = .vllm
        case "llamacpp", "engine": self = .llamacpp
        case "ollama": self = .ollama
        case "sim":
            switch dialect?.lowercased() {
            case "ollama": self = .ollama
            case "gemini": self = .gemini
            case "anthropic": self = .anthropic
            default: self = .vllm
            }
        default: return nil
        }
    }
}
