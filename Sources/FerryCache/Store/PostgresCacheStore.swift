import FerryCore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Cached answers in PostgreSQL, shared by every Ferry instance that points at the database: an UNLOGGED table
/// (`ferry_cache`, or `table`; no write-ahead log: a crash of the server may empty it, which a cache can afford),
/// made on first connection. Bounded by bytes like ``SQLiteCacheStore``.
///
/// ```swift
/// let store = try await PostgresCacheStore(configuration: configuration, location: "db:5432/ferry", maxBytes: 1 << 30)
/// ```
public final class PostgresCacheStore: CacheStore {
    public var kind: String { "postgres" }
    public let location: String
    public let maxBytes: Int
    /// The table (letters, digits and underscores).
    public let table: String
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>
    private let counts = Mutex((stores: 0, evictions: 0))

    public init(configuration: PostgresClient.Configuration, location: String, maxBytes: Int, table: String = "ferry_cache", logger: Logger = Logger(label: "ferry.cache.postgres")) async throws {
        guard let first = table.first, first.isLetter || first == "_", table.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw FerryError(code: .configuration, message: "`\(table)` cannot name a PostgreSQL table here", hint: "use letters, digits and underscores")
        }
        var configuration = configuration
        configuration.options.maximumConnections = 16
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        let running = Task { await client.run() }
        do {
            try await client.query("""
                CREATE UNLOGGED TABLE IF NOT EXISTS \(unescaped: table)(digest TEXT PRIMARY KEY, route TEXT NOT NULL, entry BYTEA NOT NULL,
                    size INTEGER NOT NULL, stored_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION NOT NULL)
                """, logger: logger)
            try await client.query("CREATE INDEX IF NOT EXISTS \(unescaped: table)_by_age ON \(unescaped: table)(stored_at)", logger: logger)
        } catch {
            running.cancel()
            throw FerryError(code: .configuration, message: "Cannot use the PostgreSQL table \(table) at \(location): \(Self.reason(error))", hint: "check the URL (cache.postgres.url, or responses.postgres.url for the table ferry_responses: user, password, database) and that the server accepts connections from here")
        }
        self.client = client
        self.table = table
        self.location = location
        self.maxBytes = maxBytes
        self.logger = logger
        self.running = running
    }

    public func shutdown() {
        running.cancel()
    }

    static func reason(_ error: any Error) -> String {
        (error as? PSQLError)?.serverInfo?[.message] ?? "\(error)"
    }

    public func entry(for key: CacheKey) async throws -> CacheEntry? {
        let now = Date().timeIntervalSince1970
        for try await bytes in try await client.query("SELECT entry FROM \(unescaped: table) WHERE digest = \(key.digest) AND expires_at > \(now)", logger: logger).decode(ByteBuffer.self) {
            return try CacheEntry.decoded(Data(bytes.readableBytesView))
        }
        return nil
    }

    public func store(_ entry: CacheEntry) async throws {
        let data = try entry.encoded()
        guard data.count <= maxBytes else { return }
        let bytes = ByteBuffer(bytes: data), size = Int32(data.count)
        let stored = entry.storedAt.timeIntervalSince1970, expires = entry.expiresAt.timeIntervalSince1970
        try await client.query("""
            INSERT INTO \(unescaped: table)(digest, route, entry, size, stored_at, expires_at) VALUES (\(entry.digest), \(entry.route), \(bytes), \(size), \(stored), \(expires))
            ON CONFLICT (digest) DO UPDATE SET entry = EXCLUDED.entry, size = EXCLUDED.size, stored_at = EXCLUDED.stored_at, expires_at = EXCLUDED.expires_at
            """, logger: logger)
        let sweep = counts.withLock { counts in
            counts.stores += 1
            return counts.stores % SQLiteCacheStore.sweepEvery == 1
        }
        if sweep { try await self.sweep() }
    }

    /// Removes expired entries, then the oldest beyond `maxBytes`.
    func sweep() async throws {
        let now = Date().timeIntervalSince1970, limit = Int64(maxBytes)
        var removed = 0
        for try await _ in try await client.query("DELETE FROM \(unescaped: table) WHERE expires_at <= \(now) RETURNING 1", logger: logger).decode(Int32.self) { removed += 1 }
        let query: PostgresQuery = """
            DELETE FROM \(unescaped: table) WHERE digest IN (
                SELECT digest FROM (SELECT digest, SUM(size) OVER (ORDER BY stored_at DESC) AS kept FROM \(unescaped: table)) AS ranked WHERE kept > \(limit))
            RETURNING 1
            """
        for try await _ in try await client.query(query, logger: logger).decode(Int32.self) { removed += 1 }
        counts.withLock { $0.evictions += removed }
    }

    public func remove(_ key: CacheKey) async throws -> Bool {
        for try await _ in try await client.query("DELETE FROM \(unescaped: table) WHERE digest = \(key.digest) RETURNING 1", logger: logger).decode(Int32.self) {
            return true
        }
        return false
    }

    public func removeAll(route: String?) async throws -> Int {
        var removed = 0
        let rows = if let route {
            try await client.query("DELETE FROM \(unescaped: table) WHERE route = \(route) RETURNING 1", logger: logger)
        } else {
            try await client.query("DELETE FROM \(unescaped: table) RETURNING 1", logger: logger)
        }
        for try await _ in rows.decode(Int32.self) { removed += 1 }
        return removed
    }

    public func statistics() async throws -> CacheStatistics {
        let now = Date().timeIntervalSince1970
        for try await (entries, bytes) in try await client.query("SELECT COUNT(*), COALESCE(SUM(size), 0)::BIGINT FROM \(unescaped: table) WHERE expires_at > \(now)", logger: logger).decode((Int64, Int64).self) {
            return CacheStatistics(entries: Int(entries), bytes: Int(bytes), evictions: counts.withLock(\.evictions))
        }
        return CacheStatistics(entries: 0, bytes: 0, evictions: counts.withLock(\.evictions))
    }
}
