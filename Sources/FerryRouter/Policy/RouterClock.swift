/// Time as the router sees it: injected, so backoff and cooldowns are tested without waiting.
public protocol RouterClock: Sendable {
    /// Time since an arbitrary fixed origin.
    func now() -> Duration
    func sleep(for duration: Duration) async throws
}

/// The real clock (monotonic).
public struct SystemRouterClock: RouterClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Duration { ContinuousClock.now - origin }

    public func sleep(for duration: Duration) async throws {
        try await ContinuousClock().sleep(for: duration)
    }
}
