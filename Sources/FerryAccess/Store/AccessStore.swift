import Foundation

/// Where keys and usage are kept: SQLite in Ferry's data folder (``SQLiteAccessStore``, one instance) or PostgreSQL
/// (``PostgresAccessStore``, shared by replicas, which also exchange their load through it).
///
/// ```swift
/// let store = try SQLiteAccessStore(path: FerryDataDirectory.resolve().appendingPathComponent("access.sqlite").path)
/// try await store.insert(key)
/// ```
public protocol AccessStore: Sendable {
    /// Where it is, for messages (`/var/lib/ferry/access.sqlite`, `db:5432/ferry`).
    var location: String { get }

    func keys() async throws -> [APIKey]
    /// Adds a key; a name already taken is refused.
    func insert(_ key: APIKey) async throws
    /// Replaces the key with the same id (disabled, enabled, rotated).
    func update(_ key: APIKey) async throws
    func delete(id: String) async throws -> Bool
    /// A number that changes whenever a key does: the gateway reloads its keys when it moves.
    func version() async throws -> Int64

    /// Adds batched usage to what is stored.
    func add(_ records: [UsageRecord]) async throws
    /// The stored usage of `query.key` (every key when nil) since `query.since`, by hour.
    func usage(_ query: UsageQuery) async throws -> [UsageRecord]

    /// Reports this replica's load (`instance`) and returns the others' of the last minute, by key id; a store that
    /// one instance owns returns none.
    func exchangeLoad(instance: String, reports: [String: LoadReport], now: Date) async throws -> [String: RemoteLoad]
}

extension AccessStore {
    /// The key named `nameOrID` (its name, or its id).
    public func key(named nameOrID: String) async throws -> APIKey? {
        try await keys().first { $0.name == nameOrID || $0.id == nameOrID }
    }
}
