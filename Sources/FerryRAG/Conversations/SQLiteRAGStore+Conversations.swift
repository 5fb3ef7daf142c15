import Foundation
import GRDB

extension SQLiteRAGStore {
    public func conversation(id: String) async throws -> Conversation? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT collection, created_at, updated_at, summary, summarized_through FROM sessions WHERE id = ?", arguments: [id]) else { return nil }
            let turns = try Row.fetchAll(db, sql: "SELECT number, question, answer, query, mode, citations, created_at FROM session_turns WHERE session_id = ? ORDER BY number", arguments: [id]).map { turn in
                ConversationTurn(
                    number: turn[0], question: turn[1], answer: turn[2], query: turn[3], mode: QueryMode(rawValue: turn[4]) ?? .simple,
                    citations: ConversationCodec.citations(turn[5]), createdAt: Date(timeIntervalSince1970: turn[6])
                )
            }
            return Conversation(
                id: id, collection: row[0], createdAt: Date(timeIntervalSince1970: row[1]), updatedAt: Date(timeIntervalSince1970: row[2]),
                summary: row[3], summarizedThrough: row[4], turns: turns
            )
        }
    }

    @discardableResult
    public func appendTurn(_ turn: ConversationTurn, to id: String, collection: String) async throws -> Int {
        let citations = try ConversationCodec.text(turn.citations)
        return try await pool.write { db in
            let now = Date().timeIntervalSince1970
            try db.execute(sql: "INSERT INTO sessions(id, collection, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at", arguments: [id, collection, now, now])
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM session_turns WHERE session_id = ?", arguments: [id]) ?? 0) + 1
            try db.execute(
                sql: "INSERT INTO session_turns(session_id, number, question, answer, query, mode, citations, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [id, number, turn.question, turn.answer, turn.query, turn.mode.rawValue, citations, turn.createdAt.timeIntervalSince1970]
            )
            return number
        }
    }

    public func summarize(_ id: String, summary: String, through: Int) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE sessions SET summary = ?, summarized_through = MAX(summarized_through, ?) WHERE id = ?", arguments: [summary, through, id])
        }
    }

    public func deleteConversation(id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }
}

/// A turn's citations as the JSON text both stores keep.
enum ConversationCodec {
    static func text(_ citations: [ConversationTurn.Citation]) throws -> String {
        String(decoding: try JSONEncoder().encode(citations), as: UTF8.self)
    }

    static func citations(_ text: String) -> [ConversationTurn.Citation] {
        (try? JSONDecoder().decode([ConversationTurn.Citation].self, from: Data(text.utf8))) ?? []
    }
}
