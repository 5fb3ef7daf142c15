import FerryCore

/// `POST /api/embed` request body: `input` is one string or a list.
public struct OllamaEmbedRequest: Codable, Sendable, Hashable {
    public var model: String
    public var input: OneOrMany<String>
    public var truncate: Bool?
    public var dimensions: Int?
    public var options: OllamaOptions?
    public var keepAlive: JSONValue?

    enum CodingKeys: String, CodingKey {
        case model, input, truncate, dimensions, options
        case keepAlive = "keep_alive"
    }

    public init(model: String, input: [String], dimensions: Int? = nil) {
        self.model = model
        self.input = .many(input)
        self.dimensions = dimensions
    }

    public init(_ request: EmbeddingRequest) {
        self.init(model: request.model, input: request.inputs, dimensions: request.dimensions)
    }

    public func embeddingRequest() throws -> EmbeddingRequest {
        guard !model.isEmpty else { throw FerryError.invalidRequest("model is required", field: "model") }
        return EmbeddingRequest(model: model, inputs: input.values, dimensions: dimensions)
    }
}

/// `POST /api/embed` response body.
public struct OllamaEmbedResponse: Codable, Sendable, Hashable {
    public var model: String
    public var embeddings: [[Float]]
    public var totalDuration: Int64?
    public var loadDuration: Int64?
    public var promptEvalCount: Int?

    enum CodingKeys: String, CodingKey {
        case model, embeddings
        case totalDuration = "total_duration"
        case loadDuration = "load_duration"
        case promptEvalCount = "prompt_eval_count"
    }

    public init(_ response: EmbeddingResponse, totalDuration: Int64? = nil) {
        model = response.model
        embeddings = response.embeddings
        self.totalDuration = totalDuration
        loadDuration = totalDuration.map { _ in 0 }
        promptEvalCount = response.usage?.promptTokens
    }

    public var embeddingResponse: EmbeddingResponse {
        EmbeddingResponse(model: model, embeddings: embeddings, usage: promptEvalCount.map { Usage(promptTokens: $0, completionTokens: 0) })
    }
}
