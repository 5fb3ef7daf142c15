import CoreMetrics
import FerryCore
import Foundation
import Logging
import Synchronization

/// The response cache in front of the router: finds answers by ``CacheKey`` in its ``CacheStore``, keeps new ones,
/// and coalesces identical misses (one backend call; the others wait for it, up to ``CacheSettings/flightTimeout``).
/// A store that fails never fails a request: the lookup is a miss, logged as a warning and counted.
///
/// Metrics: `ferry_cache_requests_total{outcome=hit|miss|bypass}`, `ferry_cache_store_errors_total`,
/// `ferry_cache_lookup_seconds`, and from ``snapshot()`` the entries, bytes and evictions (`/status`).
///
/// ```swift
/// let cache = ResponseCache(store: MemoryCacheStore(maxBytes: 256 << 20))
/// if let entry = await cache.lookup(key) { /* replay it */ }
/// ```
public final class ResponseCache: Sendable {
    public enum Outcome: String, Sendable {
        case hit, miss, bypass
    }

    public let store: any CacheStore
    /// The store, when it answers without waiting (``lookupNow(_:)``).
    private let immediate: (any ImmediateCacheStore)?
    public let settings: CacheSettings
    /// The semantic cache's vectors (routes with a `semantic` threshold).
    public let semantic = SemanticIndex()
    let flights = SingleFlight()
    let logger: Logger
    private let counters: [Outcome: Counter]
    private let storeErrors: Counter
    private let lookupTimer: CoreMetrics.Timer
    private let tallies = Mutex([Outcome: Int]())

    public init(store: any CacheStore, settings: CacheSettings = CacheSettings(), logger: Logger = Logger(label: "ferry.cache"), metrics: any MetricsFactory = MetricsSystem.factory) {
        self.store = store
        immediate = store as? any ImmediateCacheStore
        self.settings = settings
        self.logger = logger
        counters = Dictionary(uniqueKeysWithValues: [Outcome.hit, .miss, .bypass].map { ($0, Counter(label: "ferry_cache_requests_total", dimensions: [("outcome", $0.rawValue)], factory: metrics)) })
        storeErrors = Counter(label: "ferry_cache_store_errors_total", factory: metrics)
        lookupTimer = CoreMetrics.Timer(label: "ferry_cache_lookup_seconds", factory: metrics)
    }

    /// Counts a request's outcome.
    public func count(_ outcome: Outcome) {
        counters[outcome]?.increment()
        tallies.withLock { $0[outcome, default: 0] += 1 }
    }

    /// The live entry under `key`; nil on a miss, and when the store fails (logged, counted).
    public func lookup(_ key: CacheKey) async -> CacheEntry? {
        let begun = ContinuousClock.now
        defer { lookupTimer.recordNanoseconds((ContinuousClock.now - begun).nanoseconds) }
        do {
            return try await store.entry(for: key)
        } catch {
            storeErrors.increment()
            logger.warning("the cache store failed a lookup; answering from the backend", metadata: ["store": "\(store.kind)", "key": "\(key)", "error": "\(error)"])
            return nil
        }
    }

    /// Whether ``lookupNow(_:)`` can find entries: the store answers without waiting (memory).
    public var looksUpAtOnce: Bool { immediate != nil }

    /// The live entry under `key`, found without waiting; nil on a miss, and always when the store cannot answer
    /// at once (``looksUpAtOnce``) — then ``lookup(_:)`` must ask it.
    public func lookupNow(_ key: CacheKey) -> CacheEntry? {
        guard let immediate else { return nil }
        let begun = ContinuousClock.now
        defer { lookupTimer.recordNanoseconds((ContinuousClock.now - begun).nanoseconds) }
        return immediate.entryNow(for: key)
    }

    /// Keeps `entry`; a store failure is logged and counted, never thrown.
    public func keep(_ entry: CacheEntry) async {
        do {
            try await store.store(entry)
        } catch {
            storeErrors.increment()
            logger.warning("the cache store failed to keep an answer", metadata: ["store": "\(store.kind)", "route": "\(entry.route)", "error": "\(error)"])
        }
    }

    /// Joins the flight for `key`: `.lead` (call the backend, then ``land(_:_:)`` whatever happens), or the entry
    /// the leader landed — nil when it failed, could not be cached, or did not land within the flight timeout.
    public func join(_ key: CacheKey) async -> Flight {
        let flights = flights, digest = key.digest, timeout = settings.flightTimeout
        let joined = try? await firstOrNil({ await flights.join(digest) }, before: { try await Task.sleep(for: timeout) })
        switch joined {
        case .lead?: return .lead
        case .followed(let entry)?: return .followed(entry)
        case nil: return .followed(nil)
        }
    }

    public enum Flight: Sendable {
        case lead
        case followed(CacheEntry?)
    }

    /// The leader's answer (nil: none to share), for everyone waiting on `key`.
    public func land(_ key: CacheKey, _ entry: CacheEntry?) async {
        await flights.land(key.digest, entry)
    }

    /// Counts and the store's size, for `/status` and `ferry cache stats`.
    public func snapshot() async -> Snapshot {
        let tallies = tallies.withLock { $0 }
        let statistics = try? await store.statistics()
        let hits = tallies[.hit] ?? 0, misses = tallies[.miss] ?? 0
        return Snapshot(
            store: store.kind, hits: hits, misses: misses, bypassed: tallies[.bypass] ?? 0,
            hitRatio: hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses),
            entries: statistics?.entries, bytes: statistics?.bytes, evictions: statistics?.evictions
        )
    }

    public struct Snapshot: Sendable, Hashable, Codable {
        public var store: String
        public var hits: Int
        public var misses: Int
        public var bypassed: Int
        public var hitRatio: Double
        /// nil when the store could not say.
        public var entries: Int?
        public var bytes: Int?
        public var evictions: Int?

        enum CodingKeys: String, CodingKey {
            case store, hits, misses, bypassed, entries, bytes, evictions
            case hitRatio = "hit_ratio"
        }
    }
}
