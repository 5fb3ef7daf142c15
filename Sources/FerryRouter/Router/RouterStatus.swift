import FerryCore

/// A snapshot of the router for `/status`: each route's backends with circuit state, requests in flight and
/// recent time to first token.
public struct RouterStatus: Sendable, Codable, Hashable {
    public struct Backend: Sendable, Codable, Hashable {
        public var name: String
        public var circuit: String
        public var inFlight: Int
        /// EWMA of time to first token, in milliseconds, once measured.
        public var ttftMilliseconds: Double?
        /// The server process, when Ferry runs it.
        public var process: ServerProcessInfo?
    }

    public struct Route: Sendable, Codable, Hashable {
        public var name: String
        public var aliases: [String]
        public var strategy: String
        public var backends: [Backend]
    }

    public var routes: [Route]
}

extension Router {
    /// The router's state now.
    public func status() -> RouterStatus {
        RouterStatus(routes: routes.map { route in
            RouterStatus.Route(
                name: route.name, aliases: route.aliases, strategy: route.strategy.rawValue,
                backends: route.backends.map { backend in
                    let state = state(of: backend.name)
                    return RouterStatus.Backend(
                        name: backend.name, circuit: state?.circuit ?? "closed", inFlight: state?.inFlight ?? 0,
                        ttftMilliseconds: state?.ttft.map { Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) / 1e15 },
                        process: (backend.model.unwrapped as? any ServerProcessReporting)?.serverProcess
                    )
                }
            )
        })
    }
}
