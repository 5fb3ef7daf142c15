/// The cache's configuration: the policy of every route, with per-route overrides.
public struct CacheSettings: Sendable, Hashable {
    public var policy: CachePolicy
    /// Overrides by route name.
    public var routes: [String: CachePolicy]
    /// How long a coalesced request waits for the one that leads before calling the backend itself.
    public var flightTimeout: Duration

    public init(policy: CachePolicy = CachePolicy(), routes: [String: CachePolicy] = [:], flightTimeout: Duration = .seconds(120)) {
        self.policy = policy
        self.routes = routes
        self.flightTimeout = flightTimeout
    }

    /// The route's policy.
    public func policy(for route: String) -> CachePolicy {
        routes[route] ?? policy
    }
}
