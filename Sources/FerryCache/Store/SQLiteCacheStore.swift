import FerryCore
import Foundation
import GRDB
import Synchronization

/// Cached answers in a SQLite file (`cache.sqlite` in the data folder; WAL), so they survive a restart. Bounded by
/// bytes: expired entries are swept, then the oldest stored go first, every few stores.
///
/// ```swift
/// let store = try SQLiteCacheStore(path: dataDirectory.appendingPathComponent("cache.sqlite").path, maxBytes: 1 << 30)
/// ```
public final class SQLiteCacheStore: CacheStore {
    public var kind: String { "sqlite" }
    public let path: String
    public let maxBytes: Int
    let pool: DatabasePool
    /// Stores since the last sweep, and evictions since opening.
    private let counts = Mutex((stores: 0, evictions: 0))
    /// Stores between two sweeps.
    static let sweepEvery = 64

    public init(path: String, maxBytes: Int) throws {
        self.path = path
        self.maxBytes = maxBytes
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "ferry-cache"
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.execute(sql: """
                    CREATE TABLE entries(digest TEXT PRIMARY KEY NOT NULL, route TEXT NOT NULL, entry BLOB NOT NULL,
                        size INTEGER NOT NULL, stored_at REAL NOT NULL, expires_at REAL NOT NULL);
                    CREATE INDEX entries_by_age ON entries(stored_at);
                    CREATE INDEX entries_by_route ON entries(route);
                    """)
            }
            try migrator.migrate(pool)
        } catch {
            throw FerryError(code: .configuration, message: "Cannot open the cache \(path): \(error)", hint: "check that the folder is writable, or set FERRY_DATA_DIR to another folder")
        }
    }

    public func entry(for key: CacheKey) async throws -> CacheEntry? {
        let data = try await pool.read { db in
            try Data.fetchOne(db, sql: "SELECT entry FROM entries WHERE digest = ? AND expires_at > ?", arguments: [key.digest, Date().timeIntervalSince1970])
        }
        return try data.map(CacheEntry.decoded)
    }

    public func store(_ entry: CacheEntry) async throws {
        let data = try entry.encoded()
        guard data.count <= maxBytes else { return }
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO entries(digest, route, entry, size, stored_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [entry.digest, entry.route, data, data.count, entry.storedAt.timeIntervalSince1970, entry.expiresAt.timeIntervalSince1970]
            )
        }
        let sweep = counts.withLock { counts in
            counts.stores += 1
            return counts.stores % Self.sweepEvery == 1
        }
        if sweep { try await self.sweep() }
    }

    /// Removes expired entries, then the oldest until the rest fit `maxBytes`.
    func sweep() async throws {
        let maxBytes = maxBytes
        let removed = try await pool.write { db -> Int in
            try db.execute(sql: "DELETE FROM entries WHERE expires_at <= ?", arguments: [Date().timeIntervalSince1970])
            var removed = db.changesCount
            var total = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(size), 0) FROM entries") ?? 0
            while total > maxBytes {
                let oldest = try Row.fetchAll(db, sql: "SELECT digest, size FROM entries ORDER BY stored_at LIMIT 64")
                guard !oldest.isEmpty else { break }
                for row in oldest where total > maxBytes {
                    try db.execute(sql: "DELETE FROM entries WHERE digest = ?", arguments: [row[0] as String])
                    total -= row[1] as Int
                    removed += 1
                }
            }
            return removed
        }
        counts.withLock { $0.evictions += removed }
    }

    public func remove(_ key: CacheKey) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM entries WHERE digest = ?", arguments: [key.digest])
            return db.changesCount > 0
        }
    }

    public func removeAll(route: String?) async throws -> Int {
        try await pool.write { db in
            if let route {
                try db.execute(sql: "DELETE FROM entries WHERE route = ?", arguments: [route])
            } else {
                try db.execute(sql: "DELETE FROM entries")
            }
            return db.changesCount
        }
    }

    public func statistics() async throws -> CacheStatistics {
        let (entries, bytes) = try await pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM entries WHERE expires_at > ?", arguments: [Date().timeIntervalSince1970])
            return (row?[0] as Int? ?? 0, row?[1] as Int? ?? 0)
        }
        return CacheStatistics(entries: entries, bytes: bytes, evictions: counts.withLock(\.evictions))
    }
}
