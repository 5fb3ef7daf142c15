import FerryCore

/// One backend of a route: a ``LanguageModel`` (usually a provider) and the model name to ask it for.
public struct RouteBackend: Sendable {
    /// Unique among all routes' backends; names circuits, stats and errors.
    public var name: String
    public var model: any LanguageModel
    /// The model to request from this backend (nil: the request's model passes through).
    public var modelName: String?

    public init(name: String, model: any LanguageModel, modelName: String? = nil) {
        self.name = name
        self.model = model
        self.modelName = modelName
    }
}

/// A model alias → an ordered list of backends, with the strategy, retries and timeouts that serve it.
///
/// ```swift
/// let route = Route(name: "default", backends: [
///     RouteBackend(name: "vllm", model: vllm, modelName: "Qwen/Qwen2.5-1.5B-Instruct"),
///     RouteBackend(name: "ollama", model: ollama, modelName: "qwen2.5:1.5b"),
/// ])
/// ```
public struct Route: Sendable {
    public var name: String
    /// Other model names this route answers to.
    public var aliases: [String]
    public var backends: [RouteBackend]
    public var strategy: RoutingStrategy
    public var retry: RetryPolicy
    public var timeouts: RouterTimeouts

    public init(
        name: String,
        aliases: [String] = [],
        backends: [RouteBackend],
        strategy: RoutingStrategy = .fallback,
        retry: RetryPolicy = RetryPolicy(),
        timeouts: RouterTimeouts = RouterTimeouts()
    ) {
        self.name = name
        self.aliases = aliases
        self.backends = backends
        self.strategy = strategy
        self.retry = retry
        self.timeouts = timeouts
    }
}
