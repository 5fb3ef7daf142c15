
/// Timings of an Ollama answer, in nanoseconds.
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
}
