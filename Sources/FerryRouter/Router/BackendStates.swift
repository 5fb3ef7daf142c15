import FerryCore
import Synchronization

/// The state the router keeps between requests for every backend it knows (``BackendState``), by name.
/// Thread-safe.
final class BackendStates: Sendable {
    private let states: Mutex<[String: BackendState]>
    private let counters = Mutex<[String: Int]>([:])
    private let handles: MetricHandles
    /// The breaker every new backend starts with.
    let template: CircuitBreaker

    init(names: [String], breaker: CircuitBreaker, handles: MetricHandles) {
        self.handles = handles
        template = breaker
        var states: [String: BackendState] = [:]
        for name in names where states[name] == nil {
            states[name] = BackendState(name: name, breaker: breaker, metrics: handles)
        }
        self.states = Mutex(states)
    }

    /// Adds state for backends seen for the first time (discovered replicas).
    func ensure(_ names: [String]) {
        let made = names.map { BackendState(name: $0, breaker: template, metrics: handles) }
        states.withLock { states in
            for state in made where states[state.name] == nil { states[state.name] = state }
        }
    }

    func state(_ name: String) -> BackendState? {
        states.withLock { $0[name] }
    }

    func loads(_ names: [String]) -> [BackendLoad] {
        names.map { state($0)?.load ?? BackendLoad(name: $0) }
    }

    /// Notes a health probe's report; forces the circuit closed or open.
    func recordHealth(_ name: String, _ report: HealthReport, now: Duration) {
        state(name)?.recordHealth(report, now: now)
    }

    /// Forces a circuit closed or open (warm-up).
    func setHealthy(_ name: String, _ healthy: Bool, now: Duration) {
        state(name)?.setHealthy(healthy, now: now)
    }

    func snapshot(_ name: String) -> BackendState.Entry? { state(name)?.snapshot }

    /// The next request number of a route (round-robin).
    func nextCounter(_ route: String) -> Int {
        counters.withLock { counters in
            let value = counters[route, default: 0]
            counters[route] = value &+ 1
            return value
        }
    }
}
