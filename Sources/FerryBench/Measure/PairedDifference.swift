/// A target's latencies minus the baseline's, request by request (the same prompt at the same level), so what
/// the two share cancels out and what is left is the target's own cost — a gateway's overhead, say.
public struct PairedDifference: Sendable, Hashable, Codable {
    /// The differences of one latency, in milliseconds (positive: the target is slower).
    public struct Summary: Sendable, Hashable, Codable {
        public var mean: Double
        public var median: Double
        public var std: Double
        /// Half-width of the 95 % confidence interval of the mean.
        public var ci95: Double

        /// Nil without pairs. Differences can be negative, which an HdrHistogram cannot hold: the median is taken
        /// from the sorted differences.
        public init?(_ differences: [Double]) {
            guard !differences.isEmpty else { return nil }
            let count = Double(differences.count)
            mean = differences.reduce(0, +) / count
            let mean = mean
            let sorted = differences.sorted()
            median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            let variance = differences.count > 1 ? differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1) : 0
            std = variance.squareRoot()
            ci95 = 1.96 * std / count.squareRoot()
        }
    }

    public var target: String
    public var baseline: String
    public var level: LoadLevel
    public var pairs: Int
    public var ttftMs: Summary?
    public var e2elMs: Summary?
    /// Per request, the target's mean inter-token latency minus the baseline's.
    public var itlMs: Summary?

    public init(target: String, baseline: String, level: LoadLevel, records: [RequestRecord], baselineRecords: [RequestRecord]) {
        self.target = target
        self.baseline = baseline
        self.level = level
        var byPrompt: [Int: RequestRecord] = [:]
        for record in baselineRecords where record.succeeded { byPrompt[record.promptIndex] = record }
        let matched = records.filter(\.succeeded).compactMap { record in byPrompt[record.promptIndex].map { (record, $0) } }
        pairs = matched.count
        ttftMs = Summary(matched.compactMap { pair in pair.0.ttft.flatMap { ttft in pair.1.ttft.map { ttft - $0 } } })
        e2elMs = Summary(matched.map { $0.0.e2el - $0.1.e2el })
        func meanITL(_ record: RequestRecord) -> Double? {
            let gaps = record.interTokenLatencies
            return gaps.isEmpty ? nil : gaps.reduce(0, +) / Double(gaps.count)
        }
        itlMs = Summary(matched.compactMap { pair in meanITL(pair.0).flatMap { target in meanITL(pair.1).map { target - $0 } } })
    }
}
