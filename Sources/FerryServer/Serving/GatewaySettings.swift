/// How the gateway guards itself: API keys, how many requests it serves at once, and browser access.
public struct GatewaySettings: Sendable {
    /// Accepted API keys (`Authorization: Bearer KEY`); empty: no key is asked for.
    public var apiKeys: [String]
    /// Requests served at once; more wait up to `queueTimeout`, then get 429.
    public var maxConcurrentRequests: Int
    public var queueTimeout: Duration
    /// Origins a browser may call from (`*` for any); empty: no CORS headers.
    public var corsOrigins: [String]
    /// Chat requests served on their connection's event loop when they can be (the inline path); false: every
    /// request goes through the routes. The answers are the same either way (the differential tests check it);
    /// the inline path costs about half the CPU per answer.
    public var inlineChat: Bool
    /// The key of `/admin/*` (`server.admin_key`); nil: those endpoints answer 403.
    public var adminKey: String?
    /// A client connection that sends and receives nothing this long is closed (`server.idle_timeout`): idle
    /// keep-alives, and clients that stop half-way through a request; nil: never.
    public var idleTimeout: Duration? = .seconds(75)
    /// Client connections open at once (`server.max_connections`); beyond it new ones wait in the listen backlog
    /// until one closes (and are refused by the kernel when that is full); nil: no bound.
    public var maxConnections: Int?

    public init(apiKeys: [String] = [], maxConcurrentRequests: Int = 512, queueTimeout: Duration = .seconds(10), corsOrigins: [String] = [], inlineChat: Bool = true, adminKey: String? = nil) {
        self.adminKey = adminKey
        self.apiKeys = apiKeys
        self.maxConcurrentRequests = maxConcurrentRequests
        self.queueTimeout = queueTimeout
        self.corsOrigins = corsOrigins
        self.inlineChat = inlineChat
    }
}
