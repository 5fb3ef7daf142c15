import ArgumentParser
import FerryCache
import FerryConfig
import FerryCore
import FerryRAG

/// The configured cache store (`cache:`), for `ferry serve` and `ferry cache`.
enum CacheSetup {
    static func store(_ configuration: CacheConfiguration) async throws -> any CacheStore {
        try await store(configuration.store, maxBytes: configuration.maxBytes, sqlitePath: configuration.sqlitePath, postgresURL: configuration.postgresURL, table: "ferry_cache")
    }

    /// The Responses API's stored responses of `ferry serve` (`responses:`): a store of their own, of the same kinds.
    static func responseStore(_ configuration: ResponsesConfiguration) async throws -> any CacheStore {
        try await store(configuration.store, maxBytes: configuration.maxBytes, sqlitePath: configuration.sqlitePath, postgresURL: configuration.postgresURL, table: "ferry_responses")
    }

    private static func store(_ kind: CacheConfiguration.Store, maxBytes: Int, sqlitePath: String, postgresURL: String?, table: String) async throws -> any CacheStore {
        do {
            switch kind {
            case .memory:
                return MemoryCacheStore(maxBytes: maxBytes)
            case .sqlite:
                return try SQLiteCacheStore(path: sqlitePath, maxBytes: maxBytes)
            case .postgres:
                let url = try PostgresURL(postgresURL ?? "")
                return try await PostgresCacheStore(configuration: PostgresRAGStore.configuration(url), location: url.location, maxBytes: maxBytes, table: table)
            }
        } catch let error as FerryError {
            throw ValidationError("\(error.message); \(error.hint)")
        }
    }

    /// The response cache of `ferry serve`; nil when `cache.store` is not set.
    static func responseCache(_ configuration: FerryConfiguration) async throws -> ResponseCache? {
        guard let cache = configuration.cache else { return nil }
        return ResponseCache(store: try await store(cache), settings: cache.settings)
    }
}
