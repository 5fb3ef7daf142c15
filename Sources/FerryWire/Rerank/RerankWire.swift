import FerryCore

/// `POST /v1/rerank` request body, as vLLM and llama.cpp's server take it (the Jina and Cohere shape).
public struct RerankWireRequest: Codable, Sendable, Hashable {
    public var model: String
    public var query: String
    public var documents: [String]
    public var topN: Int?

    enum CodingKeys: String, CodingKey {
        case model, query, documents
        case topN = "top_n"
    }

    public init(_ request: RerankRequest) {
        model = request.model
        query = request.query
        documents = request.documents
        topN = request.topN
    }

    public var rerankRequest: RerankRequest { RerankRequest(model: model, query: query, documents: documents, topN: topN) }
}

/// `POST /v1/rerank` answer: `{"results": [{"index", "relevance_score"}]}`.
public struct RerankWireResponse: Codable, Sendable, Hashable {
    public struct Result: Codable, Sendable, Hashable {
        public var index: Int
        public var relevanceScore: Double

        enum CodingKeys: String, CodingKey {
            case index
            case relevanceScore = "relevance_score"
        }
    }

    public var model: String?
    public var results: [Result]

    public init(_ response: RerankResponse, model: String) {
        self.model = model
        results = response.results.map { Result(index: $0.index, relevanceScore: $0.score) }
    }

    /// The results best first; an index outside the request's documents is the backend's error.
    public func rerankResponse(documents: Int, location: ErrorLocation) throws -> RerankResponse {
        for result in results where !(0..<documents).contains(result.index) {
            throw FerryError.invalidResponse("a rerank result names document \(result.index) of \(documents)", location: location)
        }
        return RerankResponse(results: results.map { .init(index: $0.index, score: $0.relevanceScore) }.sorted { $0.score > $1.score })
    }
}
