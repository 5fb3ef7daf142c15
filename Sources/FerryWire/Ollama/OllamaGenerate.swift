import FerryCore

/// `POST /api/generate` request body.
public struct OllamaGenerateRequest: Codable, Sendable, Hashable {
    public var model: String
    public var prompt: String?
    public var suffix: String?
    public var system: String?
    public var template: String?
    public var images: [String]?
    public var format: JSONValue?
    public var options: OllamaOptions?
    public var stream: Bool?
    public var raw: Bool?
    public var keepAlive: JSONValue?

    enum CodingKeys: String, CodingKey {
        case model, prompt, suffix, system, template, images, format, options, stream, raw
        case keepAlive = "keep_alive"
    }

    public init(model: String, prompt: String, stream: Bool? = nil) {
        self.model = model
        self.prompt = prompt
        self.stream = stream
    }
}

/// `POST /api/generate` response: each NDJSON line, or the whole answer.
public struct OllamaGenerateResponse: Codable, Sendable, Hashable {
    public var model: String?
    public var createdAt: String?
    public var response: String?
    public var done: Bool?
    public var doneReason: String?
    public var context: [Int]?
    public var totalDuration: Int64?
    public var loadDuration: Int64?
    public var promptEvalCount: Int?
    public var promptEvalDuration: Int64?
    public var evalCount: Int?
    public var evalDuration: Int64?
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case model, response, done, context, error
        case createdAt = "created_at"
        case doneReason = "done_reason"
        case totalDuration = "total_duration"
        case loadDuration = "load_duration"
        case promptEvalCount = "prompt_eval_count"
        case promptEvalDuration = "prompt_eval_duration"
        case evalCount = "eval_count"
        case evalDuration = "eval_duration"
    }

    public init(model: String, createdAt: String, response: String, done: Bool) {
        self.model = model
        self.createdAt = createdAt
        self.response = response
        self.done = done
    }

    public init(error: String) { self.error = error }
}
