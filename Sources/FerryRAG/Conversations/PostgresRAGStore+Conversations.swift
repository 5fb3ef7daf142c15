import Foundation
import PostgresNIO

extension PostgresRAGStore {
    /// The sessions' tables, made with the others on first connection.
    static let conversationTables = [
        """
        CREATE TABLE IF NOT EXISTS ferry_rag_sessions(id TEXT PRIMARY KEY, collection TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL, summary TEXT,
            summarized_through INTEGER NOT NULL DEFAULT 0)
        """,
        """
        CREATE TABLE IF NOT EXISTS ferry_rag_session_turns(session_id TEXT NOT NULL REFERENCES ferry_rag_sessions(id) ON DELETE CASCADE,
            number INTEGER NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, query TEXT, mode TEXT NOT NULL,
            citations JSONB NOT NULL DEFAULT '[]', created_at DOUBLE PRECISION NOT NULL, PRIMARY KEY(session_id, number))
        """,
    ]

    public func conversation(id: String) async throws -> Conversation? {
        var found: Conversation?
        let rows = try await client.query("SELECT collection, created_at, updated_at, summary, summarized_through FROM ferry_rag_sessions WHERE id = \(id)", logger: logger)
        for try await (collection, created, updated, summary, through) in rows.decode((String, Double, Double, String?, Int32).self) {
            found = Conversation(id: id, collection: collection, createdAt: Date(timeIntervalSince1970: created), updatedAt: Date(timeIntervalSince1970: updated), summary: summary, summarizedThrough: Int(through))
        }
        guard var conversation = found else { return nil }
        let turns = try await client.query("SELECT number, question, answer, query, mode, citations::text, created_at FROM ferry_rag_session_turns WHERE session_id = \(id) ORDER BY number", logger: logger)
        for try await (number, question, answer, query, mode, citations, created) in turns.decode((Int32, String, String, String?, String, String, Double).self) {
            conversation.turns.append(ConversationTurn(
                number: Int(number), question: question, answer: answer, query: query, mode: QueryMode(rawValue: mode) ?? .simple,
                citations: ConversationCodec.citations(citations), createdAt: Date(timeIntervalSince1970: created)
            ))
        }
        return conversation
    }

    @discardableResult
    public func appendTurn(_ turn: ConversationTurn, to id: String, collection: String) async throws -> Int {
        let citations = try ConversationCodec.text(turn.citations)
        let logger = logger
        return try await Self.transaction(client, logger: logger) { connection in
            let now = Date().timeIntervalSince1970
            // The session row is locked for the turn: two answers in one session get consecutive numbers.
            try await connection.query("INSERT INTO ferry_rag_sessions(id, collection, created_at, updated_at) VALUES (\(id), \(collection), \(now), \(now)) ON CONFLICT (id) DO UPDATE SET updated_at = EXCLUDED.updated_at", logger: logger)
            var number = 1
            for try await last in try await connection.query("SELECT COALESCE(MAX(number), 0) FROM ferry_rag_session_turns WHERE session_id = \(id)", logger: logger).decode(Int32.self) {
                number = Int(last) + 1
            }
            let query = turn.query, mode = turn.mode.rawValue, created = turn.createdAt.timeIntervalSince1970, numbered = Int32(number)
            try await connection.query(
                "INSERT INTO ferry_rag_session_turns(session_id, number, question, answer, query, mode, citations, created_at) VALUES (\(id), \(numbered), \(turn.question), \(turn.answer), \(query), \(mode), \(citations)::jsonb, \(created))",
                logger: logger
            )
            return number
        }
    }

    public func summarize(_ id: String, summary: String, through: Int) async throws {
        let through = Int32(through)
        try await client.query("UPDATE ferry_rag_sessions SET summary = \(summary), summarized_through = GREATEST(summarized_through, \(through)) WHERE id = \(id)", logger: logger)
    }

    public func deleteConversation(id: String) async throws -> Bool {
        var deleted = false
        for try await _ in try await client.query("DELETE FROM ferry_rag_sessions WHERE id = \(id) RETURNING id", logger: logger).decode(String.self) {
            deleted = true
        }
        return deleted
    }
}
