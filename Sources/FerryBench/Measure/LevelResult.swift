/// The metrics of one target at one load level, in the vocabulary of `vllm bench serve`.
public struct LevelResult: Sendable, Hashable, Codable {
    public var target: String
    public var level: LoadLevel
    public var completed: Int
    public var failed: Int
    /// Wall time spent measuring this target at this level (all rounds).
    public var durationSeconds: Double
    public var inputTokens: Int
    public var outputTokens: Int
    /// Completed requests per second.
    public var requestThroughput: Double
    /// Output tokens per second.
    public var outputThroughput: Double
    /// Requests per second that met every objective (nil without `--slo`).
    public var goodput: Double?
    public var ttftMs: LatencySummary?
    public var tpotMs: LatencySummary?
    public var itlMs: LatencySummary?
    public var e2elMs: LatencySummary?
    /// The distinct errors seen, at most five.
    public var errors: [String]

    public init(target: String, level: LoadLevel, records: [RequestRecord], durationSeconds: Double, slo: ServiceLevelObjective?) {
        let done = records.filter(\.succeeded)
        self.target = target
        self.level = level
        completed = done.count
        failed = records.count - done.count
        self.durationSeconds = durationSeconds
        inputTokens = done.reduce(0) { $0 + $1.inputTokens }
        outputTokens = done.reduce(0) { $0 + $1.outputTokens }
        requestThroughput = durationSeconds > 0 ? Double(completed) / durationSeconds : 0
        outputThroughput = durationSeconds > 0 ? Double(outputTokens) / durationSeconds : 0
        goodput = slo.map { slo in durationSeconds > 0 ? Double(done.filter(slo.isMet).count) / durationSeconds : 0 }
        ttftMs = LatencySummary(milliseconds: done.compactMap(\.ttft))
        tpotMs = LatencySummary(milliseconds: done.compactMap(\.tpot))
        itlMs = LatencySummary(milliseconds: done.flatMap(\.interTokenLatencies))
        e2elMs = LatencySummary(milliseconds: done.map(\.e2el))
        var distinct: [String] = []
        for record in records { if let error = record.error, !distinct.contains(error), distinct.count < 5 { distinct.append(error) } }
        errors = distinct
    }
}
