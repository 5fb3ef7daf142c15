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
    /// A request body must arrive within this of its head (`server.body_timeout`), plus a second for each
    /// ``bodyMinRate`` bytes received — a client trickling its body (slowloris) is closed, a slow upload that keeps
    /// its rate is not; nil: no bound. Checked at least this often, so a connection is closed within twice it.
    public var bodyTimeout: Duration? = .seconds(30)
    /// Bytes per second a request body is expected to keep to (`server.body_min_rate`).
    public var bodyMinRate = 1000
    /// Client connections served at once (`server.max_connections`). Beyond it a new connection's first request
    /// is answered 429 (Retry-After: 1) in its API's shape and the connection closed; beyond twice it new ones
    /// wait in the listen backlog until one closes; nil: no bound.
    public var maxConnections: Int? = 10_000
    /// The web page at `/` — chat, documents, status — for browsers (`gateway.web`); false: `/` is Ollama's
    /// "Ollama is running" for everyone.
    public var web = true

    public init(apiKeys: [String] = [], maxConcurrentRequests: Int = 512, queueTimeout: Duration = .seconds(10), corsOrigins: [String] = [], inlineChat: Bool = true, adminKey: String? = nil) {
        self.adminKey = adminKey
        self.apiKeys = apiKeys
        self.maxConcurrentRequests = maxConcurrentRequests
        self.queueTimeout = queueTimeout
        self.corsOrigins = corsOrigins
        self.inlineChat = inlineChat
    }
}
