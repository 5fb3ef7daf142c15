import FerryCache
import FerryCore
import Foundation

/// The `cache:` settings: the response cache is off until a store is named.
///
/// ```yaml
/// cache:
///   store: memory          # memory | sqlite | postgres (CACHE_STORE=memory); unset: no cache
///   ttl: 1h
///   max_mb: 256            # the store's size bound
///   cache_all: false       # true: cache answers whatever their sampling (default: temperature 0 or a seed only)
///   flight_timeout: 120s   # how long identical requests wait for the one that calls the backend
///   postgres:
///     url: postgres://ferry:secret@db:5432/ferry   # default: rag.postgres.url
/// routes:
///   creative:
///     cache: {enabled: false}              # per-route overrides: enabled, ttl, cache_all
/// ```
public struct CacheConfiguration: Sendable, Hashable {
    public enum Store: String, Sendable, Hashable, CaseIterable {
        case memory, sqlite, postgres
    }

    public var store: Store
    public var maxBytes: Int
    public var settings: CacheSettings
    /// The SQLite file (`cache.sqlite` in the data folder).
    public var sqlitePath: String
    /// The PostgreSQL database (`cache.postgres.url`, else `rag.postgres.url`).
    public var postgresURL: String?

    public init(store: Store, maxBytes: Int = 256 << 20, settings: CacheSettings = CacheSettings(), sqlitePath: String, postgresURL: String? = nil) {
        self.store = store
        self.maxBytes = maxBytes
        self.settings = settings
        self.sqlitePath = sqlitePath
        self.postgresURL = postgresURL
    }

    /// Where the store is, as shown to users (no password).
    public var storeDescription: String {
        switch store {
        case .memory: "memory (\(maxBytes >> 20) MB)"
        case .sqlite: sqlitePath
        case .postgres: postgresURL.map(PostgresURL.redacted) ?? "PostgreSQL"
        }
    }
}
