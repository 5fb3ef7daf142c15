/// What one benchmark request measured, in milliseconds from when it was sent.
public struct RequestRecord: Sendable, Hashable {
    /// Which prompt it sent (pairs requests across targets).
    public var promptIndex: Int
    /// Time to the first token; nil when none came.
    public var ttft: Double?
    /// Arrival times of every chunk that carried tokens, the first one included.
    public var tokenTimes: [Double]
    /// End-to-end latency: until the stream finished (or failed).
    public var e2el: Double
    /// Output tokens: the usage the server reported, or the chunks counted.
    public var outputTokens: Int
    public var inputTokens: Int
    /// Nil when the request succeeded.
    public var error: String?

    public init(promptIndex: Int, ttft: Double?, tokenTimes: [Double], e2el: Double, outputTokens: Int, inputTokens: Int = 0, error: String? = nil) {
        self.promptIndex = promptIndex
        self.ttft = ttft
        self.tokenTimes = tokenTimes
        self.e2el = e2el
        self.outputTokens = outputTokens
        self.inputTokens = inputTokens
        self.error = error
    }

    public var succeeded: Bool { error == nil }

    /// Time per output token after the first: (E2EL − TTFT) / (tokens − 1); nil with fewer than two tokens.
    public var tpot: Double? {
        guard let ttft, outputTokens > 1 else { return nil }
        return (e2el - ttft) / Double(outputTokens - 1)
    }

    /// The gaps between successive token chunks.
    public var interTokenLatencies: [Double] {
        zip(tokenTimes.dropFirst(), tokenTimes).map { $0 - $1 }
    }
}
