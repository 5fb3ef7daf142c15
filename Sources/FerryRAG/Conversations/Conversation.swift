import Foundation

/// A session of questions and answers, kept so that a follow-up ("and for officers?") is understood.
///
/// Turns are numbered from 1. Once the conversation outgrows its token budget, the older turns are summarised by
/// the model: `summary` then stands for the turns up to `summarizedThrough`, and only later turns are sent word
/// for word.
public struct Conversation: Sendable, Hashable {
    public var id: String
    public var collection: String
    public var createdAt: Date
    public var updatedAt: Date
    public var summary: String?
    /// The last turn the summary covers (0: none).
    public var summarizedThrough: Int
    /// Every turn, oldest first (summarised ones included, for `GET /api/sessions/{id}`).
    public var turns: [ConversationTurn]

    public init(id: String, collection: String, createdAt: Date = Date(), updatedAt: Date = Date(), summary: String? = nil, summarizedThrough: Int = 0, turns: [ConversationTurn] = []) {
        self.id = id
        self.collection = collection
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.summary = summary
        self.summarizedThrough = summarizedThrough
        self.turns = turns
    }

    /// The turns the summary does not cover.
    public var recentTurns: [ConversationTurn] { turns.filter { $0.number > summarizedThrough } }

    /// A new session id: `s_` and 20 random letters and digits.
    public static func newID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return "s_" + String((0..<20).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    /// Whether a client's session id can be kept: 1 to 128 letters, digits, `-`, `_`, `.` or `:`.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 128 && id.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.:".unicodeScalars.contains($0)) }
    }
}

/// One question and its answer.
public struct ConversationTurn: Sendable, Hashable, Codable {
    public struct Citation: Sendable, Hashable, Codable {
        public var n: Int
        public var document: String
        public var chunkID: String

        public init(n: Int, document: String, chunkID: String) {
            self.n = n
            self.document = document
            self.chunkID = chunkID
        }

        enum CodingKeys: String, CodingKey {
            case n, document
            case chunkID = "chunk_id"
        }
    }

    public var number: Int
    public var question: String
    public var answer: String
    /// The query searched, when it was not the question (adaptive mode's rewrite).
    public var query: String?
    public var mode: QueryMode
    public var citations: [Citation]
    public var createdAt: Date

    public init(number: Int, question: String, answer: String, query: String? = nil, mode: QueryMode, citations: [Citation] = [], createdAt: Date = Date()) {
        self.number = number
        self.question = question
        self.answer = answer
        self.query = query
        self.mode = mode
        self.citations = citations
        self.createdAt = createdAt
    }
}
