import FerryCore
import Foundation

/// A benchmark's results: what was run, every target's metrics at every level, and the paired differences
/// against the baseline. Its JSON form (snake_case keys) is documented in `docs/BENCH.md` and checked against
/// `docs/bench-report.schema.json`.
public struct BenchReport: Sendable, Codable {
    public struct Settings: Sendable, Codable {
        /// `concurrency` (closed loop) or `rate` (open loop).
        public var mode: String
        public var levels: [Double]
        public var numRequests: Int
        public var durationSeconds: Double?
        public var warmup: Int
        public var rounds: Int
        public var burstiness: Double?
        /// `synthetic` or `file`.
        public var dataset: String
        public var inputTokens: Int?
        public var outputTokens: Int?
        public var rangeRatio: Double?
        public var sharedPrefixTokens: Int?
        public var datasetPath: String?
        public var slo: ServiceLevelObjective?
        public var baseline: String?
        public var seed: UInt64
    }

    /// Always `ferry.bench/1` for this layout.
    public var schema = "ferry.bench/1"
    public var settings: Settings
    public var targets: [BenchTarget]
    public var results: [LevelResult]
    public var differences: [PairedDifference]
    public var wallSeconds: Double

    public init(plan: BenchPlan, targets: [BenchTarget], results: [LevelResult], differences: [PairedDifference], wallSeconds: Double) {
        var settings = Settings(
            mode: plan.levels.first.map { if case .rate = $0 { "rate" } else { "concurrency" } } ?? "concurrency",
            levels: plan.levels.map(\.value), numRequests: plan.numRequests, durationSeconds: plan.duration?.seconds,
            warmup: plan.warmup, rounds: plan.rounds, burstiness: nil, dataset: "synthetic", slo: plan.slo, baseline: plan.baseline, seed: plan.seed
        )
        if settings.mode == "rate" { settings.burstiness = plan.burstiness }
        switch plan.prompts {
        case .synthetic(let spec):
            settings.inputTokens = spec.inputTokens
            settings.outputTokens = spec.outputTokens
            settings.rangeRatio = spec.rangeRatio
            settings.sharedPrefixTokens = spec.sharedPrefixTokens
        case .file(let path, let maxTokens):
            settings.dataset = "file"
            settings.datasetPath = path
            settings.outputTokens = maxTokens
        }
        self.settings = settings
        self.targets = targets
        self.results = results
        self.differences = differences
        self.wallSeconds = wallSeconds
    }

    /// The report as pretty JSON with snake_case keys.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }

    /// The result of `target` at `level`.
    public func result(_ target: String, _ level: LoadLevel) -> LevelResult? {
        results.first { $0.target == target && $0.level == level }
    }

    /// The levels, in the order they ran.
    public var levels: [LoadLevel] {
        var seen: [LoadLevel] = []
        for result in results where !seen.contains(result.level) { seen.append(result.level) }
        return seen
    }
}
