import FerryCore
import Foundation
import GRDB

/// Keys and usage in a SQLite file (`access.sqlite` in Ferry's data folder; WAL), shared by the `ferry keys` and
/// `ferry usage` commands and a running `ferry serve` on the same machine.
public final class SQLiteAccessStore: AccessStore {
    public let location: String
    let pool: DatabasePool

    public init(path: String) throws {
        location = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "ferry-access"
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.execute(sql: """
                    CREATE TABLE keys(id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL UNIQUE, key BLOB NOT NULL);
                    CREATE TABLE meta(name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
                    INSERT INTO meta(name, value) VALUES ('keys_version', 0);
                    CREATE TABLE usage(key_id TEXT NOT NULL, key_name TEXT NOT NULL, route TEXT NOT NULL, backend TEXT NOT NULL,
                        model TEXT NOT NULL, hour INTEGER NOT NULL, requests INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL,
                        completion_tokens INTEGER NOT NULL, errors INTEGER NOT NULL, cache_hits INTEGER NOT NULL,
                        PRIMARY KEY(key_id, route, backend, model, hour));
                    CREATE INDEX usage_by_hour ON usage(hour);
                    """)
            }
            try migrator.migrate(pool)
        } catch {
            throw FerryError(code: .configuration, message: "Cannot open the key store \(path): \(error)", hint: "check that the folder is writable, or set FERRY_DATA_DIR to another folder")
        }
    }

    public func keys() async throws -> [APIKey] {
        try await pool.read { db in
            try Data.fetchAll(db, sql: "SELECT key FROM keys ORDER BY name").map { try JSONDecoder().decode(APIKey.self, from: $0) }
        }
    }

    public func insert(_ key: APIKey) async throws {
        let data = try JSONEncoder().encode(key)
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM keys WHERE name = ?", arguments: [key.name]) == true { throw AccessStoreError.nameTaken(key.name) }
            try db.execute(sql: "INSERT INTO keys(id, name, key) VALUES (?, ?, ?)", arguments: [key.id, key.name, data])
            try db.execute(sql: "UPDATE meta SET value = value + 1 WHERE name = 'keys_version'")
        }
    }

    public func update(_ key: APIKey) async throws {
        let data = try JSONEncoder().encode(key)
        try await pool.write { db in
            try db.execute(sql: "UPDATE keys SET name = ?, key = ? WHERE id = ?", arguments: [key.name, data, key.id])
            try db.execute(sql: "UPDATE meta SET value = value + 1 WHERE name = 'keys_version'")
        }
    }

    public func delete(id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM keys WHERE id = ?", arguments: [id])
            let removed = db.changesCount > 0
            try db.execute(sql: "UPDATE meta SET value = value + 1 WHERE name = 'keys_version'")
            return removed
        }
    }

    public func version() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE name = 'keys_version'") ?? 0 }
    }

    public func add(_ records: [UsageRecord]) async throws {
        guard !records.isEmpty else { return }
        try await pool.write { db in
            for record in records {
                let key = record.key, counts = record.counts
                try db.execute(sql: """
                    INSERT INTO usage(key_id, key_name, route, backend, model, hour, requests, prompt_tokens, completion_tokens, errors, cache_hits)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(key_id, route, backend, model, hour) DO UPDATE SET key_name = excluded.key_name,
                        requests = requests + excluded.requests, prompt_tokens = prompt_tokens + excluded.prompt_tokens,
                        completion_tokens = completion_tokens + excluded.completion_tokens, errors = errors + excluded.errors,
                        cache_hits = cache_hits + excluded.cache_hits
                    """, arguments: [key.keyID, key.keyName, key.route, key.backend, key.model, key.hour,
                                     counts.requests, counts.promptTokens, counts.completionTokens, counts.errors, counts.cacheHits])
            }
        }
    }

    public func usage(_ query: UsageQuery) async throws -> [UsageRecord] {
        try await pool.read { db in
            var sql = "SELECT key_id, key_name, route, backend, model, hour, requests, prompt_tokens, completion_tokens, errors, cache_hits FROM usage WHERE hour >= ?"
            var arguments: StatementArguments = [query.sinceHour]
            if let key = query.key {
                sql += " AND (key_name = ? OR key_id = ?)"
                arguments += [key, key]
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                UsageRecord(
                    key: .init(keyID: row[0], keyName: row[1], route: row[2], backend: row[3], model: row[4], hour: row[5]),
                    counts: .init(requests: row[6], promptTokens: row[7], completionTokens: row[8], errors: row[9], cacheHits: row[10])
                )
            }
        }
    }

    public func exchangeLoad(instance: String, reports: [String: LoadReport], now: Date) async throws -> [String: RemoteLoad] {
        [:]
    }
}

/// A key store's refusal of a change.
public enum AccessStoreError: Error, CustomStringConvertible, Equatable {
    case nameTaken(String)

    public var description: String {
        switch self {
        case .nameTaken(let name): "A key named \"\(name)\" exists already"
        }
    }

    public var error: FerryError {
        switch self {
        case .nameTaken(let name):
            FerryError(code: .badRequest, message: description, hint: "choose another name, or rotate the existing key (`ferry keys rotate \(name)`)", httpStatus: 409, field: "name")
        }
    }
}
