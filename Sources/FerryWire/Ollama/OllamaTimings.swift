import FerryCore

/// Timings of an Ollama answer, in nanoseconds.
///
/// Ferry measures them as a client sees the answer: prompt evaluation from the request to the first token (less
/// the load time, when the backend reports one), evaluation from the first token to the last.
///
/// ```swift
/// let timings = OllamaTimings(begun: begun, firstToken: assembler.firstTokenAt, load: assembler.loadDuration)
/// let tokensPerSecond = Double(evalCount) / (Double(timings.eval) / 1e9)
/// ```
public struct OllamaTimings: Sendable, Hashable {
    public var total: Int64
    public var load: Int64
    public var promptEval: Int64
    public var eval: Int64

    public init(total: Int64 = 0, load: Int64 = 0, promptEval: Int64 = 0, eval: Int64 = 0) {
        self.total = total
        self.load = load
        self.promptEval = promptEval
        self.eval = eval
    }

    /// Timings measured from `begun` to `end`, split at the first token (at `end` when there was none).
    public init(begun: ContinuousClock.Instant, firstToken: ContinuousClock.Instant?, end: ContinuousClock.Instant = .now, load: Duration? = nil) {
        let first = firstToken ?? end
        let loaded = min(load ?? .zero, first - begun)
        self.init(
            total: (end - begun).nanoseconds, load: loaded.nanoseconds,
            promptEval: (first - begun - loaded).nanoseconds, eval: (end - first).nanoseconds
        )
    }
}
