/// Everything that shapes a FerrySim server: what it plays, what it serves, how fast, and what goes wrong.
///
/// ```swift
/// var configuration = SimConfiguration(dialect: .vllm, models: ["demo"])
/// configuration.timeToFirstToken = .milliseconds(200)
/// configuration.tokensPerSecond = 50
/// configuration.faults = [try FaultSpec(parsing: "503@0.25")]
/// ```
public struct SimConfiguration: Sendable {
    public var dialect: SimDialect
    public var host: String
    /// 0 asks the system for a free port.
    public var port: Int
    /// The served model names; the first is the default.
    public var models: [String]
    /// Base time to first token, before prompt processing.
    public var timeToFirstToken: Duration
    /// Prompt processing speed: each uncached prompt token adds 1/this to the time to first token (0: free).
    public var prefillTokensPerSecond: Double
    /// Generation speed per request (0: as fast as possible).
    public var tokensPerSecond: Double
    /// How many requests generate at once in `batched` mode.
    public var maxConcurrency: Int
    public var mode: SimMode
    /// Whether a repeated prompt prefix is cheaper and reported as cached tokens.
    public var prefixCache: Bool
    /// Every answer's length in tokens (`--answer-tokens`); nil: 16 to 48, drawn per prompt.
    public var answerTokens: Int?
    public var faults: [FaultSpec]
    /// Mixed into every generation, so two simulators can answer differently.
    public var seed: UInt64
    /// Size of embedding vectors.
    public var embeddingDimensions: Int
    /// The context window reported (vLLM's `max_model_len`).
    public var contextLength: Int
    /// A key every API request must carry (`Authorization: Bearer KEY`, or `x-goog-api-key` for Gemini), like
    /// `vllm serve --api-key`; health, version and `/_sim` routes stay open. nil: no key asked for.
    public var apiKey: String?

    public init(
        dialect: SimDialect,
        host: String = "127.0.0.1",
        port: Int = 0,
        models: [String] = ["demo"],
        timeToFirstToken: Duration = .milliseconds(200),
        prefillTokensPerSecond: Double = 5_000,
        tokensPerSecond: Double = 50,
        maxConcurrency: Int = 16,
        mode: SimMode = .batched,
        prefixCache: Bool = false,
        faults: [FaultSpec] = [],
        seed: UInt64 = 0,
        embeddingDimensions: Int = 384,
        contextLength: Int = 8192,
        apiKey: String? = nil
    ) {
        self.dialect = dialect
        self.host = host
        self.port = port
        self.models = models
        self.timeToFirstToken = timeToFirstToken
        self.prefillTokensPerSecond = prefillTokensPerSecond
        self.tokensPerSecond = tokensPerSecond
        self.maxConcurrency = maxConcurrency
        self.mode = mode
        self.prefixCache = prefixCache
        self.faults = faults
        self.seed = seed
        self.embeddingDimensions = embeddingDimensions
        self.contextLength = contextLength
        self.apiKey = apiKey
    }

    /// A configuration that answers at once: for tests that check formats, not timing.
    public static func instant(dialect: SimDialect, models: [String] = ["demo"]) -> SimConfiguration {
        SimConfiguration(dialect: dialect, models: models, timeToFirstToken: .zero, prefillTokensPerSecond: 0, tokensPerSecond: 0)
    }
}
