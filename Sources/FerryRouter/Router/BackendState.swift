import CoreMetrics
import FerryCore
import Synchronization

/// One backend's state between requests — circuit breaker, requests in flight, EWMA of time to first token — with
/// its metric handles. Thread-safe. The router finds it by the backend's name once per attempt
/// (``BackendStates/state(_:)``) and keeps it for the attempt's steps, which then look nothing up.
final class BackendState: Sendable {
    struct Entry: Sendable {
        var breaker: CircuitBreaker
        var inFlight = 0
        var ttft: Duration?
        /// Attempts, failures and first-token times of the last minutes (`/status`).
        var activity = BackendActivity()
        /// The last health probe: its status, what it said, and when (router time).
        var health: (status: HealthReport.Status, detail: String, at: Duration)?
    }

    /// How a finished attempt counts for the breaker.
    enum Outcome {
        case success
        case failure
        /// Neither (the request's own fault, or cancellation): releases a half-open probe.
        case neutral
    }

    let name: String
    let handles: MetricHandles.Backend
    private let metrics: MetricHandles
    private let entry: Mutex<Entry>
    /// `ferry_requests_total` of this backend, by route.
    private let requests = Mutex<[String: Counter]>([:])
    /// Weight of the newest sample in the TTFT average.
    static let ewmaWeight = 0.3

    init(name: String, breaker: CircuitBreaker, metrics: MetricHandles) {
        self.name = name
        self.metrics = metrics
        handles = metrics.backend(name)
        entry = Mutex(Entry(breaker: breaker))
    }

    var snapshot: Entry { entry.withLock { $0 } }

    var load: BackendLoad { entry.withLock { BackendLoad(name: name, inFlight: $0.inFlight, ttft: $0.ttft) } }

    func isAvailable(now: Duration) -> Bool {
        entry.withLock { $0.breaker.isAvailable(now: now) }
    }

    /// Takes a slot when the circuit allows; counts it in flight.
    func begin(now: Duration) -> Bool {
        entry.withLock { entry in
            guard entry.breaker.tryAcquire(now: now) else { return false }
            entry.inFlight += 1
            return true
        }
    }

    func end(_ outcome: Outcome, now: Duration) {
        entry.withLock { entry in
            entry.inFlight -= 1
            if outcome != .neutral { entry.activity.recordAttempt(failed: outcome == .failure, now: now) }
            switch outcome {
            case .success: entry.breaker.recordSuccess()
            case .failure: entry.breaker.recordFailure(now: now)
            case .neutral: entry.breaker.releaseProbe()
            }
            recordCircuit(entry.breaker)
        }
    }

    func recordTTFT(_ ttft: Duration, now: Duration) {
        entry.withLock { entry in
            entry.ttft = entry.ttft.map { $0 * (1 - Self.ewmaWeight) + ttft * Self.ewmaWeight } ?? ttft
            entry.activity.recordTTFT(ttft, now: now)
        }
        handles.ttft.recordNanoseconds(ttft.nanoseconds)
    }

    /// Notes a health probe's report and forces the circuit closed (healthy) or open (otherwise).
    func recordHealth(_ report: HealthReport, now: Duration) {
        entry.withLock { $0.health = (report.status, report.summary, now) }
        setHealthy(report.status == .healthy, now: now)
    }

    /// Forces the circuit closed or open (health probing, warm-up).
    func setHealthy(_ healthy: Bool, now: Duration) {
        entry.withLock { entry in
            if healthy {
                entry.breaker.recordSuccess()
            } else if entry.breaker.isAvailable(now: now) {
                for _ in 0..<entry.breaker.threshold { entry.breaker.recordFailure(now: now) }
            }
            recordCircuit(entry.breaker)
        }
    }

    /// Counts an attempt on this backend for `route` (`ferry_requests_total`).
    func countAttempt(route: String) {
        if let counter = requests.withLock({ $0[route] }) { return counter.increment() }
        let made = metrics.counter("ferry_requests_total", ("route", route), ("backend", name))
        requests.withLock { counters in counters[route, default: made] }.increment()
    }

    /// Counts an answer's tokens (`ferry_tokens_total`).
    func countTokens(_ usage: Usage?) {
        guard let usage else { return }
        handles.promptTokens.increment(by: usage.promptTokens)
        handles.completionTokens.increment(by: usage.completionTokens)
    }

    /// `ferry_circuit_state`: 0 closed, 1 half-open, 2 open (under the entry's lock, so the last value is the state).
    private func recordCircuit(_ breaker: CircuitBreaker) {
        let value: Int = switch breaker.state {
        case .closed: 0
        case .halfOpen: 1
        case .open: 2
        }
        handles.circuit.record(value)
    }
}
