import FerryAgent
import FerryCache
import FerryCore
import FerryLaunch
import FerryRAG
import FerryRouter

/// Ferry's whole configuration: backends, routes and the settings around them, however it was given (file,
/// environment, command line).
///
/// ```swift
/// let configuration = try await ConfigurationLoader.load(file: "ferry.yaml")
/// let router = try RouterFactory.makeRouter(configuration, http: ProviderHTTPClient())
/// ```
public struct FerryConfiguration: Sendable {
    /// The kinds of backend Ferry can talk to.
    public enum ProviderKind: String, Sendable, CaseIterable {
        case vllm, llamacpp, openai, openrouter, tgi, generic, ollama, gemini, anthropic
    }

    public struct Backend: Sendable, Equatable {
        public var name: String
        public var provider: ProviderKind
        /// Base URLs: none (the provider's public default, for cloud providers), one, or several replicas; a
        /// `dns://host:port` URL stands for every address the name resolves to.
        public var urls: [String]
        /// The first URL.
        public var url: String? { urls.first }
        /// The model to ask for (nil: the request's, or the only one served).
        public var model: String?
        /// Never logged or shown.
        public var apiKey: String?
        /// Sampling applied when a request leaves a field unset (e.g. VLLM_TEMPERATURE).
        public var defaults: SamplingParameters
        /// The server process Ferry runs for this backend (its `launch:` section); its URL is then Ferry's to choose.
        public var launch: LaunchSpec?
        /// APIs this backend serves itself, whose requests Ferry passes through untranslated (`passthrough:
        /// [messages, responses]`; off by default).
        public var passthrough: Set<NativeRequest.API> = []
        /// How the backend is given tools (`tools: native | prompted`); nil: natively, except Ferry's embedded
        /// engine, whose model's template has none (``usesPromptedTools``).
        public var toolCalling: ToolCalling?

        public init(name: String, provider: ProviderKind, urls: [String], model: String? = nil, apiKey: String? = nil, defaults: SamplingParameters = SamplingParameters(), launch: LaunchSpec? = nil) {
            self.launch = launch
            self.name = name
            self.provider = provider
            self.urls = urls
            self.model = model
            self.apiKey = apiKey
            self.defaults = defaults
        }
    }

    /// How a backend is given tools: in its API (`native`), or in the prompt, its answers read back into calls
    /// (`prompted`: ``FerryProviders/PromptedToolModel``) for models whose chat template has no tools.
    public enum ToolCalling: String, Sendable, Hashable, CaseIterable {
        case native, prompted
    }

    public struct RouteSpec: Sendable, Equatable {
        public var name: String
        public var aliases: [String]
        public var backends: [String]
        public var strategy: RoutingStrategy
        public var retry: RetryPolicy
        public var timeouts: RouterTimeouts
        /// `routes.NAME.prefix_load_factor`: prefix-affinity's bound on load (``Route/loadFactor``).
        public var loadFactor: Double? = RoutingStrategy.defaultLoadFactor
        /// Set when the route is a RAG route (`routes.NAME.rag`): its chat answers are grounded in a collection.
        public var rag: RAGRoute?
        /// The route's cache policy (`routes.NAME.cache`), when it overrides `cache:`'s.
        public var cache: CachePolicy?
    }

    public var backends: [Backend]
    public var routes: [RouteSpec]
    /// MCP servers whose tools agents use (`mcp.servers`).
    public var mcpServers: [MCPServerSpec] = []
    /// The configuration file's values as written (dotted keys; empty without a file): what a reload compares
    /// (``ConfigurationChange``).
    public var fileValues: [String: String] = [:]
    /// How often `ferry serve` looks at the configuration file for changes (`server.reload_interval`; SIGHUP looks
    /// at once).
    public var reloadInterval: Duration = .seconds(5)
    public var host: String
    public var port: Int
    /// Accepted API keys for the gateway (empty: none asked for). Never logged or shown.
    public var apiKeys: [String]
    public var maxConcurrentRequests: Int
    public var queueTimeout: Duration
    /// Browser origins allowed by CORS (`*` for any).
    public var corsOrigins: [String]
    /// `gateway.inline_chat` (`GATEWAY_INLINE_CHAT`): chat requests served on their connection's event loop when
    /// they can be; false sends every request through the routes. On by default.
    public var inlineChat: Bool
    public var healthInterval: Duration
    public var warmUp: Bool
    public var circuitBreaker: CircuitBreaker
    public var connectTimeout: Duration
    /// Connections opened to one backend at most (`http.max_connections_per_host`).
    public var maxConnectionsPerHost: Int
    /// How often `dns://` backends are resolved again.
    public var dnsRefreshInterval: Duration
    /// How long a connection to a backend is kept open unused (`http.idle_timeout`).
    public var idleTimeout: Duration = .seconds(60)
    /// How long a client connection may send and receive nothing (`server.idle_timeout`); nil: forever.
    public var clientIdleTimeout: Duration? = .seconds(75)
    /// How long a request body may take after its head (`server.body_timeout`), plus a second per
    /// `clientBodyMinRate` bytes received (`server.body_min_rate`); nil: forever.
    public var clientBodyTimeout: Duration? = .seconds(30)
    public var clientBodyMinRate = 1000
    /// Client connections served at once (`server.max_connections`, `off`); nil: no bound.
    public var maxConnections: Int? = 10_000
    /// `gateway.web` (`GATEWAY_WEB`): the web page at `/` (chat, documents, status) for browsers. On by default.
    public var web = true
    /// Documents and retrieval (`rag:`).
    public var rag: RAGSettings
    /// The response cache (`cache:`); nil: off.
    public var cache: CacheConfiguration?
    /// The Responses API's stored responses (`responses:`).
    public var responses: ResponsesConfiguration = ResponsesConfiguration(sqlitePath: "responses.sqlite")
    /// Keys made at run time and usage (`keys:`).
    public var keys: KeysConfiguration = KeysConfiguration(sqlitePath: "access.sqlite")
    /// The key of the operations endpoints (`/admin/*`, `server.admin_key`); nil: they answer 403. Never logged.
    public var adminKey: String?
    /// Each setting that was read, with where it came from (for `ferry config`); secrets are redacted.
    public var provenance: [(key: String, value: String, source: String)]
}
