/// A model a backend serves.
public struct ModelInfo: Sendable, Hashable, Codable {
    /// The name to put in a request's `model` field.
    public var id: String
    public var ownedBy: String?
    /// Seconds since 1970, when known.
    public var created: Int?
    /// The context window in tokens, when the backend says (vLLM's `max_model_len`).
    public var contextLength: Int?
    /// What the model can do, when the backend says (Ollama's `capabilities`).
    public var capabilities: Set<ModelCapability>

    public init(id: String, ownedBy: String? = nil, created: Int? = nil, contextLength: Int? = nil, capabilities: Set<ModelCapability> = []) {
        self.id = id
        self.ownedBy = ownedBy
        self.created = created
        self.contextLength = contextLength
        self.capabilities = capabilities
    }
}

/// A capability a model advertises.
public enum ModelCapability: String, Sendable, Hashable, Codable, CaseIterable {
    case completion
    case chat
    case tools
    case vision
    case embedding
}
