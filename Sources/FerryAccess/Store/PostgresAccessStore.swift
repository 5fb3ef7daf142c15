import FerryCore
import Foundation
import Logging
import PostgresNIO

/// Keys and usage in PostgreSQL, shared by every replica pointing at the database (tables `ferry_keys`,
/// `ferry_access_meta`, `ferry_usage`, made on first connection), and the table through which replicas exchange
/// their load each second (`ferry_key_load`, UNLOGGED: one row per replica, key and second, kept two minutes).
public final class PostgresAccessStore: AccessStore {
    public let location: String
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>

    public init(configuration: PostgresClient.Configuration, location: String, logger: Logger = Logger(label: "ferry.access.postgres")) async throws {
        var configuration = configuration
        configuration.options.maximumConnections = 4
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        let running = Task { await client.run() }
        do {
            try await client.query("CREATE TABLE IF NOT EXISTS ferry_keys(id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, key TEXT NOT NULL)", logger: logger)
            try await client.query("CREATE TABLE IF NOT EXISTS ferry_access_meta(name TEXT PRIMARY KEY, value BIGINT NOT NULL)", logger: logger)
            try await client.query("INSERT INTO ferry_access_meta(name, value) VALUES ('keys_version', 0) ON CONFLICT (name) DO NOTHING", logger: logger)
            try await client.query("""
                CREATE TABLE IF NOT EXISTS ferry_usage(key_id TEXT NOT NULL, key_name TEXT NOT NULL, route TEXT NOT NULL, backend TEXT NOT NULL,
                    model TEXT NOT NULL, hour BIGINT NOT NULL, requests BIGINT NOT NULL, prompt_tokens BIGINT NOT NULL,
                    completion_tokens BIGINT NOT NULL, errors BIGINT NOT NULL, cache_hits BIGINT NOT NULL,
                    PRIMARY KEY(key_id, route, backend, model, hour))
                """, logger: logger)
            try await client.query("""
                CREATE UNLOGGED TABLE IF NOT EXISTS ferry_key_load(instance TEXT NOT NULL, key_id TEXT NOT NULL, second BIGINT NOT NULL,
                    requests BIGINT NOT NULL, tokens BIGINT NOT NULL, in_flight BIGINT NOT NULL, PRIMARY KEY(instance, key_id, second))
                """, logger: logger)
        } catch {
            running.cancel()
            throw FerryError(code: .configuration, message: "Cannot use the key tables at \(location): \(Self.reason(error))", hint: "check keys.postgres.url (user, password, database) and that the server accepts connections from here")
        }
        self.client = client
        self.location = location
        self.logger = logger
        self.running = running
    }

    deinit {
        running.cancel()
    }

    static func reason(_ error: any Error) -> String {
        (error as? PSQLError)?.serverInfo?[.message] ?? "\(error)"
    }

    public func keys() async throws -> [APIKey] {
        var keys: [APIKey] = []
        for try await text in try await client.query("SELECT key FROM ferry_keys ORDER BY name", logger: logger).decode(String.self) {
            keys.append(try JSONDecoder().decode(APIKey.self, from: Data(text.utf8)))
        }
        return keys
    }

    public func insert(_ key: APIKey) async throws {
        let text = String(decoding: try JSONEncoder().encode(key), as: UTF8.self)
        do {
            try await client.query("INSERT INTO ferry_keys(id, name, key) VALUES (\(key.id), \(key.name), \(text))", logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw AccessStoreError.nameTaken(key.name)
        }
        try await bump()
    }

    public func update(_ key: APIKey) async throws {
        let text = String(decoding: try JSONEncoder().encode(key), as: UTF8.self)
        try await client.query("UPDATE ferry_keys SET name = \(key.name), key = \(text) WHERE id = \(key.id)", logger: logger)
        try await bump()
    }

    public func delete(id: String) async throws -> Bool {
        var removed = false
        for try await _ in try await client.query("DELETE FROM ferry_keys WHERE id = \(id) RETURNING id", logger: logger).decode(String.self) { removed = true }
        try await bump()
        return removed
    }

    private func bump() async throws {
        try await client.query("UPDATE ferry_access_meta SET value = value + 1 WHERE name = 'keys_version'", logger: logger)
    }

    public func version() async throws -> Int64 {
        for try await value in try await client.query("SELECT value FROM ferry_access_meta WHERE name = 'keys_version'", logger: logger).decode(Int64.self) { return value }
        return 0
    }

    public func add(_ records: [UsageRecord]) async throws {
        guard !records.isEmpty else { return }
        try await client.withTransaction(logger: logger) { connection in
            for record in records {
                let key = record.key, counts = record.counts
                try await connection.query("""
                    INSERT INTO ferry_usage(key_id, key_name, route, backend, model, hour, requests, prompt_tokens, completion_tokens, errors, cache_hits)
                    VALUES (\(key.keyID), \(key.keyName), \(key.route), \(key.backend), \(key.model), \(key.hour), \(Int64(counts.requests)),
                        \(Int64(counts.promptTokens)), \(Int64(counts.completionTokens)), \(Int64(counts.errors)), \(Int64(counts.cacheHits)))
                    ON CONFLICT (key_id, route, backend, model, hour) DO UPDATE SET key_name = EXCLUDED.key_name,
                        requests = ferry_usage.requests + EXCLUDED.requests, prompt_tokens = ferry_usage.prompt_tokens + EXCLUDED.prompt_tokens,
                        completion_tokens = ferry_usage.completion_tokens + EXCLUDED.completion_tokens,
                        errors = ferry_usage.errors + EXCLUDED.errors, cache_hits = ferry_usage.cache_hits + EXCLUDED.cache_hits
                    """, logger: logger)
            }
        }
    }

    public func usage(_ query: UsageQuery) async throws -> [UsageRecord] {
        let key = query.key ?? ""
        let all = query.key == nil
        let rows = try await client.query("""
            SELECT key_id, key_name, route, backend, model, hour, requests, prompt_tokens, completion_tokens, errors, cache_hits FROM ferry_usage
            WHERE hour >= \(query.sinceHour) AND (\(all) OR key_name = \(key) OR key_id = \(key))
            """, logger: logger)
        var records: [UsageRecord] = []
        for try await (id, name, route, backend, model, hour, requests, prompt, completion, errors, hits) in rows.decode((String, String, String, String, String, Int64, Int64, Int64, Int64, Int64, Int64).self) {
            records.append(UsageRecord(
                key: .init(keyID: id, keyName: name, route: route, backend: backend, model: model, hour: hour),
                counts: .init(requests: Int(requests), promptTokens: Int(prompt), completionTokens: Int(completion), errors: Int(errors), cacheHits: Int(hits))
            ))
        }
        return records
    }

    public func exchangeLoad(instance: String, reports: [String: LoadReport], now: Date) async throws -> [String: RemoteLoad] {
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        for (keyID, report) in reports {
            try await client.query("""
                INSERT INTO ferry_key_load(instance, key_id, second, requests, tokens, in_flight)
                VALUES (\(instance), \(keyID), \(second), \(Int64(report.requests)), \(Int64(report.tokens)), \(Int64(report.inFlight)))
                ON CONFLICT (instance, key_id, second) DO UPDATE SET requests = ferry_key_load.requests + EXCLUDED.requests,
                    tokens = ferry_key_load.tokens + EXCLUDED.tokens, in_flight = EXCLUDED.in_flight
                """, logger: logger)
        }
        try await client.query("DELETE FROM ferry_key_load WHERE second < \(second - 120)", logger: logger)
        // The others' requests and tokens of the last minute, and their requests in progress as each last reported
        // them within two seconds (an instance that stopped reporting is idle or gone).
        let rows = try await client.query("""
            SELECT key_id, SUM(requests)::BIGINT, SUM(tokens)::BIGINT,
                SUM(CASE WHEN second >= \(second - 2) AND second = (SELECT MAX(l2.second) FROM ferry_key_load l2 WHERE l2.instance = l.instance AND l2.key_id = l.key_id)
                    THEN in_flight ELSE 0 END)::BIGINT
            FROM ferry_key_load l WHERE instance <> \(instance) AND second > \(second - 60) GROUP BY key_id
            """, logger: logger)
        var remote: [String: RemoteLoad] = [:]
        for try await (keyID, requests, tokens, inFlight) in rows.decode((String, Int64, Int64, Int64).self) {
            remote[keyID] = RemoteLoad(requests: Int(requests), tokens: Int(tokens), inFlight: Int(inFlight))
        }
        return remote
    }
}
