/// `POST /tokenize` of llama.cpp's server: `{"content": "text"}` → `{"tokens": [1, 2, 3]}`.
public struct LlamaTokenizeRequest: Codable, Sendable, Hashable {
    public var content: String

    public init(content: String) {
        self.content = content
    }
}

public struct LlamaTokenizeResponse: Codable, Sendable, Hashable {
    public var tokens: [Int]

    public init(tokens: [Int]) {
        self.tokens = tokens
    }
}

/// `POST /tokenize` of vLLM: `{"model", "prompt"}` → `{"count", "max_model_len", "tokens"}`.
public struct VLLMTokenizeRequest: Codable, Sendable, Hashable {
    public var model: String
    public var prompt: String

    public init(model: String, prompt: String) {
        self.model = model
        self.prompt = prompt
    }
}

public struct VLLMTokenizeResponse: Codable, Sendable, Hashable {
    public var count: Int
    public var maxModelLength: Int?
    public var tokens: [Int]?

    enum CodingKeys: String, CodingKey {
        case count, tokens
        case maxModelLength = "max_model_len"
    }

    public init(count: Int, maxModelLength: Int?, tokens: [Int]?) {
        self.count = count
        self.maxModelLength = maxModelLength
        self.tokens = tokens
    }
}
