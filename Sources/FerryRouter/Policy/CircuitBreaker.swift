/// A backend's circuit breaker, a pure state machine: `threshold` consecutive failures open it for `cooldown`;
/// then one probe request is let through (half-open); its success closes the circuit, its failure opens it
/// again.
///
/// ```swift
/// var breaker = CircuitBreaker(threshold: 3, cooldown: .seconds(10))
/// if breaker.tryAcquire(now: clock.now()) { /* send */ }
/// breaker.recordFailure(now: clock.now())
/// ```
public struct CircuitBreaker: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case closed(consecutiveFailures: Int)
        case open(until: Duration)
        case halfOpen(probeInFlight: Bool)
    }

    public let threshold: Int
    public let cooldown: Duration
    public private(set) var state: State = .closed(consecutiveFailures: 0)

    public init(threshold: Int = 3, cooldown: Duration = .seconds(10)) {
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
    }

    /// Whether a request may go to this backend now; moves open → half-open when the cooldown is over and takes
    /// the one probe slot.
    public mutating func tryAcquire(now: Duration) -> Bool {
        switch state {
        case .closed:
            return true
        case .open(let until):
            guard now >= until else { return false }
            state = .halfOpen(probeInFlight: true)
            return true
        case .halfOpen(let probeInFlight):
            guard !probeInFlight else { return false }
            state = .halfOpen(probeInFlight: true)
            return true
        }
    }

    /// Whether a request could go now, without taking a slot (for ordering and /status).
    public func isAvailable(now: Duration) -> Bool {
        switch state {
        case .closed: true
        case .open(let until): now >= until
        case .halfOpen(let probeInFlight): !probeInFlight
        }
    }

    public mutating func recordSuccess() {
        state = .closed(consecutiveFailures: 0)
    }

    public mutating func recordFailure(now: Duration) {
        switch state {
        case .closed(let failures):
            state = failures + 1 >= threshold ? .open(until: now + cooldown) : .closed(consecutiveFailures: failures + 1)
        case .halfOpen, .open:
            state = .open(until: now + cooldown)
        }
    }

    /// A request that took the probe slot ended without a verdict (e.g. the caller's own 4xx or cancellation).
    public mutating func releaseProbe() {
        if case .halfOpen = state { state = .halfOpen(probeInFlight: false) }
    }

    /// A short name for /status and metrics.
    public var stateName: String {
        switch state {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half-open"
        }
    }
}
