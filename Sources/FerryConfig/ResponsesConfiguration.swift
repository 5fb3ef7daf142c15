import FerryCore

/// The `responses:` settings: where the Responses API keeps stored responses (for `previous_response_id` and
/// `GET /v1/responses/{id}`).
///
/// ```yaml
/// responses:
///   store: memory      # memory (the default) | sqlite (responses.sqlite in the data folder, survives restarts)
///                      # | postgres (table ferry_responses, shared by instances: responses.postgres.url, else
///                      #   cache.postgres.url, else rag.postgres.url)
///   ttl: 720h          # how long a response is kept (30 days)
///   max_mb: 64         # the store's size bound; the least recently used (memory) or oldest (SQLite) go first
/// ```
public struct ResponsesConfiguration: Sendable, Hashable {
    /// The same three kinds of store as the cache's.
    public typealias Store = CacheConfiguration.Store

    public var store: Store
    public var ttl: Duration
    public var maxBytes: Int
    public var sqlitePath: String
    /// The PostgreSQL database (`store: postgres`).
    public var postgresURL: String?

    public init(store: Store = .memory, ttl: Duration = .seconds(30 * 86_400), maxBytes: Int = 64 << 20, sqlitePath: String) {
        self.store = store
        self.ttl = ttl
        self.maxBytes = maxBytes
        self.sqlitePath = sqlitePath
    }
}
