/// Where sessions are kept: the document store's own database (SQLite or PostgreSQL), so every instance sharing
/// the documents shares the sessions too.
public protocol ConversationStore: Sendable {
    /// The session with its turns; nil when there is none.
    func conversation(id: String) async throws -> Conversation?
    /// Adds a turn (numbered after the last one), making the session when it does not exist yet; returns its number.
    @discardableResult
    func appendTurn(_ turn: ConversationTurn, to id: String, collection: String) async throws -> Int
    /// Records the model's summary of the turns up to `through`.
    func summarize(_ id: String, summary: String, through: Int) async throws
    /// Deletes a session and its turns; false when there was none.
    func deleteConversation(id: String) async throws -> Bool
}
