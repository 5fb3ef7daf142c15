import CoreMetrics
import FerryCore
import Foundation
import Logging
import Synchronization

/// Keys, limits and usage for the gateway: who a request is (``KeyRing``), whether its key's limits let it in
/// (``KeyLimiter``), and what it used (``UsageRecorder``), written to the ``AccessStore`` in batches.
/// ``run()`` keeps it current: every half second it reloads the keys when the store's version moved (so keys made
/// by `ferry keys` while the gateway runs work within a second), and every second it writes the usage counted and,
/// with a store shared by replicas, trades this replica's load for the others'.
///
/// ```swift
/// let access = AccessControl(staticKeys: configuration.apiKeys, store: try SQLiteAccessStore(path: path))
/// switch access.admit(secret: presented) {
/// case .success(let pass): …  // serve, then pass.end(failed:)
/// case .failure(let refusal): …  // refusal.error: 401 or 429 in the caller's dialect
/// }
/// ```
public final class AccessControl: Sendable {
    public let ring: KeyRing
    public let store: (any AccessStore)?
    let limiter = KeyLimiter()
    let recorder = UsageRecorder()
    let logger: Logger
    /// This replica's name in the shared load table.
    let instance = "ferry-" + String(UInt64.random(in: .min ... .max), radix: 36)
    private let metricsLabel: Bool
    private let factory: any MetricsFactory
    private let refusals: [String: Counter]
    private let perKey = Mutex<[String: Counter]>([:])
    private let version = Mutex<Int64?>(nil)

    /// `metricsLabel`: count each key's requests as `ferry_key_requests_total{key}` (a label per key: leave it off
    /// with many keys).
    public init(staticKeys: [String], store: (any AccessStore)?, metricsLabel: Bool = false, metrics: any MetricsFactory = MetricsSystem.factory, logger: Logger = Logger(label: "ferry.access")) {
        ring = KeyRing(staticKeys: staticKeys)
        self.store = store
        self.metricsLabel = metricsLabel
        factory = metrics
        self.logger = logger
        refusals = Dictionary(uniqueKeysWithValues: ["missing", "unknown", "disabled", "expired", "route", "rpm", "tpm", "parallel"].map {
            ($0, Counter(label: "ferry_key_refusals_total", dimensions: [("reason", $0)], factory: metrics))
        })
    }

    /// Whether every request needs a key (one exists, configured or stored).
    public var required: Bool { ring.required }

    /// Accepts the request's key and admits it under the key's limits; or why not (401, 429).
    public func admit(secret: String?) -> Result<AccessPass, Refusal> {
        let identity: KeyIdentity
        switch ring.authenticate(secret) {
        case .success(let found): identity = found
        case .failure(let refusal):
            refused(refusal)
            return .failure(refusal)
        }
        let now = Self.monotonicNow()
        let limited = !identity.limits.isEmpty
        if limited, let refusal = limiter.admit(identity, now: now) {
            refused(refusal)
            return .failure(refusal)
        }
        if metricsLabel { counter(for: identity.name).increment() }
        return .success(AccessPass(identity: identity, control: self, admittedAt: now, limited: limited))
    }

    func refused(_ refusal: Refusal) {
        refusals[refusal.reason]?.increment()
    }

    /// A pass ended: its usage counted.
    func ended(_ pass: AccessPass, note: AccessPass.Note, usage: Usage, failed: Bool) {
        let hour = Int64((Date().timeIntervalSince1970 / 3600).rounded(.down))
        recorder.record(
            UsageRecord.Key(keyID: pass.identity.id, keyName: pass.identity.name, route: note.route, backend: note.backend, model: note.model, hour: hour),
            UsageRecord.Counts(requests: 1, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, errors: failed ? 1 : 0, cacheHits: note.cacheHit ? 1 : 0)
        )
    }

    private func counter(for name: String) -> Counter {
        perKey.withLock { counters in
            if let counter = counters[name] { return counter }
            let counter = Counter(label: "ferry_key_requests_total", dimensions: [("key", name)], factory: factory)
            counters[name] = counter
            return counter
        }
    }

    // MARK: Keeping current

    /// Loads the stored keys now (at start, and after a change made through the admin API).
    public func reload() async throws {
        guard let store else { return }
        let version = try await store.version()
        ring.replace(with: try await store.keys())
        self.version.withLock { $0 = version }
    }

    /// Reloads keys when the store's version moved (every half second), writes usage and trades load with the
    /// other replicas (every second), until cancelled; then writes what is left.
    public func run() async {
        guard let store else { return }
        var tick = 0
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .milliseconds(500))
            } catch {
                break
            }
            tick += 1
            await refreshKeys(store)
            if tick % 2 == 0 { await flush(store) }
        }
        // The last batch is written outside the cancelled task: a store's write would otherwise stop at once.
        await Task.detached { await self.flush(store) }.value
    }

    private func refreshKeys(_ store: any AccessStore) async {
        do {
            let current = try await store.version()
            guard version.withLock({ $0 }) != current else { return }
            ring.replace(with: try await store.keys())
            version.withLock { $0 = current }
        } catch {
            logger.warning("the keys could not be reloaded; the last ones loaded stay in force", metadata: ["store": "\(store.location)", "error": "\(error)"])
        }
    }

    /// Writes the usage counted so far and trades load with the other replicas.
    public func flush() async {
        guard let store else { return }
        await flush(store)
    }

    private func flush(_ store: any AccessStore) async {
        let records = recorder.take()
        do {
            try await store.add(records)
        } catch {
            recorder.putBack(records)
            logger.warning("usage could not be written; it is kept to be written with the next batch", metadata: ["store": "\(store.location)", "error": "\(error)"])
        }
        do {
            let remote = try await store.exchangeLoad(instance: instance, reports: limiter.report(now: Self.monotonicNow()), now: Date())
            limiter.absorb(remote)
        } catch {
            logger.warning("the replicas' load could not be exchanged; limits count this replica alone until it can", metadata: ["store": "\(store.location)", "error": "\(error)"])
        }
    }

    static func monotonicNow() -> UInt64 {
        DispatchTime.now().uptimeNanoseconds
    }
}
