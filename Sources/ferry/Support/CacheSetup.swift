import ArgumentParser
import FerryCache
import FerryConfig
import FerryCore
import FerryRAG

/// The configured cache store (`cache:`), for `ferry serve` and `ferry cache`.
enum CacheSetup {
    static func store(_ configuration: CacheConfiguration) async throws -> any CacheStore {
        do {
            switch configuration.store {
            case .memory:
                return MemoryCacheStore(maxBytes: configuration.maxBytes)
            case .sqlite:
                return try SQLiteCacheStore(path: configuration.sqlitePath, maxBytes: configuration.maxBytes)
            case .postgres:
                let url = try PostgresURL(configuration.postgresURL ?? "")
                return try await PostgresCacheStore(configuration: PostgresRAGStore.configuration(url), location: url.location, maxBytes: configuration.maxBytes)
            }
        } catch let error as FerryError {
            throw ValidationError("\(error.message); \(error.hint)")
        }
    }

    /// The Responses API's stored responses of `ferry serve` (`responses:`).
    static func responseStore(_ configuration: ResponsesConfiguration) async throws -> any CacheStore {
        do {
            switch configuration.store {
            case .memory:
                return MemoryCacheStore(maxBytes: configuration.maxBytes)
            case .sqlite:
                return try SQLiteCacheStore(path: configuration.sqlitePath, maxBytes: configuration.maxBytes)
            case .postgres:
                let url = try PostgresURL(configuration.postgresURL ?? "")
                return try await PostgresCacheStore(configuration: PostgresRAGStore.configuration(url), location: url.location, maxBytes: configuration.maxBytes, table: "ferry_responses")
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
