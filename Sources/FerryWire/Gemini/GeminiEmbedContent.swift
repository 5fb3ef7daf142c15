import FerryCore

/// `POST /v1beta/models/{model}:embedContent` request body.
public struct GeminiEmbedContentRequest: Codable, Sendable, Hashable {
    public var content: GeminiContent
    public var outputDimensionality: Int?

    public init(text: String, outputDimensionality: Int? = nil) {
        content = GeminiContent(role: nil, parts: [GeminiPart(text: text)])
        self.outputDimensionality = outputDimensionality
    }
}

/// `POST /v1beta/models/{model}:embedContent` response body.
public struct GeminiEmbedContentResponse: Codable, Sendable, Hashable {
    public struct Embedding: Codable, Sendable, Hashable {
        public var values: [Float]
    }

    public var embedding: Embedding

    public init(values: [Float]) { embedding = Embedding(values: values) }
}
