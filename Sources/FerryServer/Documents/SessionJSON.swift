import FerryRAG
import Foundation

/// `GET /api/sessions/{id}`.
struct SessionJSON: Encodable {
    struct Turn: Encodable {
        var n: Int
        var question: String
        var answer: String
        var query: String?
        var mode: QueryMode
        var citations: [ConversationTurn.Citation]
        var createdAt: String

        enum CodingKeys: String, CodingKey {
            case n, question, answer, query, mode, citations
            case createdAt = "created_at"
        }
    }

    var sessionID: String
    var collection: String
    var createdAt: String
    var updatedAt: String
    var summary: String?
    var summarizedThrough: Int
    var turns: [Turn]

    init(_ conversation: Conversation) {
        let dates = ISO8601DateFormatter()
        sessionID = conversation.id
        collection = conversation.collection
        createdAt = dates.string(from: conversation.createdAt)
        updatedAt = dates.string(from: conversation.updatedAt)
        summary = conversation.summary
        summarizedThrough = conversation.summarizedThrough
        turns = conversation.turns.map {
            Turn(n: $0.number, question: $0.question, answer: $0.answer, query: $0.query, mode: $0.mode, citations: $0.citations, createdAt: dates.string(from: $0.createdAt))
        }
    }

    enum CodingKeys: String, CodingKey {
        case collection, summary, turns
        case sessionID = "session_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case summarizedThrough = "summarized_through"
    }
}
