/// Everything a benchmark run is asked to do.
///
/// ```swift
/// var plan = BenchPlan(targets: [direct, ferry], levels: [.concurrency(1), .concurrency(16)])
/// plan.baseline = "direct"
/// plan.numRequests = 200
/// ```
public struct BenchPlan: Sendable {
    public var targets: [BenchTarget]
    /// The target every other is compared with, request by request.
    public var baseline: String?
    public var levels: [LoadLevel]
    /// Requests per target per level.
    public var numRequests = 100
    /// A cap on the time per target per level (nil: until the requests are done).
    public var duration: Duration?
    /// Requests per target sent before measuring, and not counted.
    public var warmup = 2
    /// The requests of a level are split in rounds, and the targets' order flips each round, so drift of the
    /// machine hits all targets alike.
    public var rounds = 2
    /// Shape of the gamma distribution of arrivals in rate mode (1: Poisson).
    public var burstiness = 1.0
    public var prompts = PromptSource.synthetic(.init())
    public var slo: ServiceLevelObjective?
    public var seed: UInt64 = 0
    /// Sent as `Authorization: Bearer` to OpenAI-dialect targets.
    public var apiKey: String?

    public init(targets: [BenchTarget], levels: [LoadLevel]) {
        self.targets = targets
        self.levels = levels
    }

    /// Checks what can be checked before sending anything.
    public func validate() throws(BenchError) {
        guard !targets.isEmpty else { throw BenchError("give at least one --target NAME=URL") }
        let names = targets.map(\.name)
        guard Set(names).count == names.count else { throw BenchError("target names must differ: \(names.joined(separator: ", "))") }
        if let baseline, !names.contains(baseline) {
            throw BenchError("--baseline \(baseline) is not one of the targets: \(names.joined(separator: ", "))")
        }
        guard !levels.isEmpty else { throw BenchError("give --concurrency or --request-rate") }
        for level in levels {
            switch level {
            case .concurrency(let users) where users < 1: throw BenchError("--concurrency values must be at least 1")
            case .rate(let rate) where !(rate > 0): throw BenchError("--request-rate values must be above 0")
            default: break
            }
        }
        guard numRequests >= 1 else { throw BenchError("--num-requests must be at least 1") }
        guard rounds >= 1 else { throw BenchError("--rounds must be at least 1") }
        guard burstiness > 0 else { throw BenchError("--burstiness must be above 0 (1 is a Poisson process)") }
    }
}
