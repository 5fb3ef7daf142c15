/// Where an error happened: which backend, which URL, which model. Any of them may be unknown.
public struct ErrorLocation: Sendable, Hashable, Codable {
    public var backend: String?
    public var url: String?
    public var model: String?

    public init(backend: String? = nil, url: String? = nil, model: String? = nil) {
        self.backend = backend
        self.url = url
        self.model = model
    }

    /// `backend "vllm" at http://127.0.0.1:8000/v1/chat/completions, model "qwen"`, leaving out what is unknown.
    public var description: String {
        var parts: [String] = []
        if let backend { parts.append("backend \"\(backend)\"") }
        if let url { parts.append("at \(url)") }
        if let model { parts.append("model \"\(model)\"") }
        return parts.joined(separator: ", ")
    }
}
