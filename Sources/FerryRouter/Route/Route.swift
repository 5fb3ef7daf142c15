import FerryCore

/// One backend of a route: a ``LanguageModel`` (usually a provider) and the model name to ask it for.
public struct RouteBackend: Sendable {
    /// Unique among all routes' backends; names circuits, stats and errors.
    public var name: String
    public var model: any LanguageModel
    /// The model to request from this backend (nil: the request's model passes through).
    public var modelName: String?
    /// Sampling for the fields a request leaves unset (e.g. a configured temperature).
    public var defaults: SamplingParameters
    /// The configured backend this is a replica of (several URLs, or every address of a `dns://` name); nil for
    /// a backend with one URL.
    public var group: String?
    /// The APIs whose requests go to this backend untranslated (`passthrough`), when every backend of a route takes them.
    public var passthrough: Set<NativeRequest.API>

    public init(name: String, model: any LanguageModel, modelName: String? = nil, defaults: SamplingParameters = SamplingParameters(), group: String? = nil, passthrough: Set<NativeRequest.API> = []) {
        self.passthrough = passthrough
        self.name = name
        self.model = model
        self.modelName = modelName
        self.defaults = defaults
        self.group = group
    }

    /// `sampling` with this backend's defaults in the fields it leaves unset.
    func completing(_ sampling: SamplingParameters) -> SamplingParameters {
        var result = sampling
        result.temperature = result.temperature ?? defaults.temperature
        result.topP = result.topP ?? defaults.topP
        result.topK = result.topK ?? defaults.topK
        result.maxTokens = result.maxTokens ?? defaults.maxTokens
        result.seed = result.seed ?? defaults.seed
        result.presencePenalty = result.presencePenalty ?? defaults.presencePenalty
        result.frequencyPenalty = result.frequencyPenalty ?? defaults.frequencyPenalty
        if result.stop.isEmpty { result.stop = defaults.stop }
        return result
    }

    /// The request as this backend should receive it: its model name and default sampling.
    func prepare(_ request: ChatRequest) -> ChatRequest {
        var copy = request
        copy.model = modelName ?? request.model
        copy.sampling = completing(request.sampling)
        return copy
    }

    /// `answer` with the model it came from: the backend's own word, or the name it was asked for.
    func named(_ answer: ChatResponse, for request: ChatRequest) -> ChatResponse {
        var answer = answer
        if answer.model.isEmpty { answer.model = modelName ?? request.model }
        return answer
    }

    func prepare(_ request: CompletionRequest) -> CompletionRequest {
        var copy = request
        copy.model = modelName ?? request.model
        copy.sampling = completing(request.sampling)
        return copy
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
    /// For `prefix-affinity`: the bound on a backend's load, as a multiple of the mean (bounded-load consistent
    /// hashing: a backend takes a request while it has fewer than `loadFactor` × the mean in flight); nil: unbounded.
    public var loadFactor: Double?

    public init(
        name: String,
        aliases: [String] = [],
        backends: [RouteBackend],
        strategy: RoutingStrategy = .fallback,
        retry: RetryPolicy = RetryPolicy(),
        timeouts: RouterTimeouts = RouterTimeouts(),
        loadFactor: Double? = RoutingStrategy.defaultLoadFactor
    ) {
        self.loadFactor = loadFactor
        self.name = name
        self.aliases = aliases
        self.backends = backends
        self.strategy = strategy
        self.retry = retry
        self.timeouts = timeouts
    }
}

extension Route {
    /// Whether requests of `api` go to this route's backends untranslated: every backend has it in its
    /// `passthrough` (a route that mixes them translates, so any of its backends can answer).
    public func passesThrough(_ api: NativeRequest.API) -> Bool {
        !backends.isEmpty && backends.allSatisfy { $0.passthrough.contains(api) }
    }
}
