import FerryCore
import FerryRAG
import Foundation

/// `POST /api/query`'s body.
struct QueryBody: Decodable {
    var question: String
    var mode: String?
    var collection: String?
    var sessionID: String?
    var topK: Int?
    var filters: SearchBody.Filters?
    var stream: Bool?
    /// The route that writes the answer (default: `rag.answer.route`).
    var model: String?
    var temperature: Double?
    var maxTokens: Int?

    enum CodingKeys: String, CodingKey {
        case question, mode, collection, filters, stream, model, temperature
        case sessionID = "session_id"
        case topK = "top_k"
        case maxTokens = "max_tokens"
    }

    func request(defaultMode: QueryMode) throws -> AnswerRequest {
        var mode = defaultMode
        if let name = self.mode {
            guard let known = QueryMode(rawValue: name) else { throw FerryError.invalidRequest("must be simple or adaptive, got \"\(name)\"", field: "mode") }
            mode = known
        }
        if let temperature, !(0...2).contains(temperature) { throw FerryError.invalidRequest("must be between 0 and 2", field: "temperature") }
        if let maxTokens, maxTokens < 1 { throw FerryError.invalidRequest("must be at least 1", field: "max_tokens") }
        let collection = collection ?? CollectionInfo.defaultName
        try Gateway.checkCollectionName(collection)
        try Gateway.checkText(question, field: "question")
        var sampling = SamplingParameters()
        sampling.temperature = temperature
        sampling.maxTokens = maxTokens
        return AnswerRequest(
            question: question, mode: mode, collection: collection, context: .session(sessionID), topK: topK,
            filters: try filters.checked(), sampling: sampling
        )
    }
}
