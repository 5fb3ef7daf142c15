/// Where cached answers live. Three kinds: ``MemoryCacheStore`` (the default; bounded by bytes, least recently used
/// out first), ``SQLiteCacheStore`` (survives restarts), ``PostgresCacheStore`` (shared by several instances).
///
/// A store only keeps and finds; ``ResponseCache`` decides what is cached, and turns a store's failure into a miss.
public protocol CacheStore: Sendable {
    /// `memory`, `sqlite` or `postgres`.
    var kind: String { get }
    /// The live entry under `key`; nil when there is none or it has expired.
    func entry(for key: CacheKey) async throws -> CacheEntry?
    /// Keeps `entry`, replacing one under the same key, evicting what the size bound requires.
    func store(_ entry: CacheEntry) async throws
    /// Removes the entry under `key`; whether there was one.
    func remove(_ key: CacheKey) async throws -> Bool
    /// Removes every entry (of `route` only, when given); returns how many.
    func removeAll(route: String?) async throws -> Int
    /// Entries, bytes and evictions so far.
    func statistics() async throws -> CacheStatistics
}

/// A store's size and what it has evicted.
public struct CacheStatistics: Sendable, Hashable, Codable {
    public var entries: Int
    public var bytes: Int
    /// Entries removed to stay within the size bound, or because they expired, since the store was opened.
    public var evictions: Int

    public init(entries: Int, bytes: Int, evictions: Int) {
        self.entries = entries
        self.bytes = bytes
        self.evictions = evictions
    }
}
