import Synchronization

/// Per-backend state the router keeps between requests: circuit breaker, requests in flight, EWMA of time to
/// first token. Thread-safe.
final class BackendStates: Sendable {
    struct Entry: Sendable {
        var breaker: CircuitBreaker
        var inFlight = 0
        var ttft: Duration?
    }

    /// How a finished attempt counts for the breaker.
    enum Outcome {
        case success
        case failure
        /// Neither (the request's own fault, or cancellation): releases a half-open probe.
        case neutral
    }

    private let entries: Mutex<[String: Entry]>
    private let counters = Mutex<[String: Int]>([:])
    /// Weight of the newest sample in the TTFT average.
    let ewmaWeight = 0.3

    let metrics: RouterMetrics
    /// The breaker every new backend starts with.
    let template: CircuitBreaker

    init(names: [String], breaker: CircuitBreaker, metrics: RouterMetrics) {
        entries = Mutex(Dictionary(names.map { ($0, Entry(breaker: breaker)) }, uniquingKeysWith: { first, _ in first }))
        self.metrics = metrics
        template = breaker
    }

    /// Adds state for backends seen for the first time (discovered replicas).
    func ensure(_ names: [String]) {
        entries.withLock { entries in
            for name in names where entries[name] == nil { entries[name] = Entry(breaker: template) }
        }
    }

    func loads(_ names: [String]) -> [BackendLoad] {
        entries.withLock { entries in names.map { BackendLoad(name: $0, inFlight: entries[$0]?.inFlight ?? 0, ttft: entries[$0]?.ttft) } }
    }

    func isAvailable(_ name: String, now: Duration) -> Bool {
        entries.withLock { $0[name]?.breaker.isAvailable(now: now) ?? false }
    }

    /// Takes a slot on the backend when its circuit allows; counts it in flight.
    func begin(_ name: String, now: Duration) -> Bool {
        entries.withLock { entries in
            guard var entry = entries[name], entry.breaker.tryAcquire(now: now) else { return false }
            entry.inFlight += 1
            entries[name] = entry
            return true
        }
    }

    func end(_ name: String, _ outcome: Outcome, now: Duration) {
        entries.withLock { entries in
            guard var entry = entries[name] else { return }
            entry.inFlight -= 1
            switch outcome {
            case .success:
                entry.breaker.recordSuccess()
            case .failure:
                entry.breaker.recordFailure(now: now)
            case .neutral:
                entry.breaker.releaseProbe()
            }
            entries[name] = entry
            metrics.circuit(backend: name, entry.breaker)
        }
    }

    /// Folds a measured time to first token into the backend's average.
    func recordTTFT(_ name: String, _ ttft: Duration) {
        entries.withLock { entries in
            guard var entry = entries[name] else { return }
            entry.ttft = entry.ttft.map { $0 * (1 - ewmaWeight) + ttft * ewmaWeight } ?? ttft
            entries[name] = entry
        }
        metrics.ttft(backend: name, ttft)
    }

    /// Forces a circuit closed or open (health probing).
    func setHealthy(_ name: String, _ healthy: Bool, now: Duration) {
        entries.withLock { entries in
            guard var entry = entries[name] else { return }
            if healthy { entry.breaker.recordSuccess() } else if entry.breaker.isAvailable(now: now) {
                for _ in 0..<entry.breaker.threshold { entry.breaker.recordFailure(now: now) }
            }
            entries[name] = entry
            metrics.circuit(backend: name, entry.breaker)
        }
    }

    func snapshot(_ name: String) -> Entry? { entries.withLock { $0[name] } }

    /// The next request number of a route (round-robin).
    func nextCounter(_ route: String) -> Int {
        counters.withLock { counters in
            let value = counters[route, default: 0]
            counters[route] = value &+ 1
            return value
        }
    }
}
