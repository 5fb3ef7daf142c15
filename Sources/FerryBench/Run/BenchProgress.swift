/// Where a run is, for a live progress bar.
public struct BenchProgress: Sendable {
    public var target: String
    public var level: LoadLevel
    public var round: Int
    public var rounds: Int
    /// Requests finished in the whole run, and planned.
    public var done: Int
    public var total: Int
    public var failed: Int
}
