import ArgumentParser
import FerryBench
import FerryCore
import FerryProviders
import Foundation
import Logging

/// `ferry bench`: a serving benchmark over one or more targets, side by side, in the vocabulary of
/// `vllm bench serve` and GuideLLM.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark serving: TTFT, TPOT, ITL, E2EL, throughput and goodput of targets side by side.",
        discussion: """
            Targets are interleaved: each level's requests are split in rounds and the targets' order flips each round.
            With --baseline, every other target is compared with it request by request (same prompt, same load): the
            gateway's own overhead when the baseline is the upstream and the other target is Ferry in front of it.

            Example: ferry bench --target direct=http://127.0.0.1:8000 --target ferry=http://127.0.0.1:8080 \\
                       --baseline direct --concurrency 1,4,16 --num-requests 100 --json bench.json --chart bench.svg
            """
    )

    @Option(name: .customLong("target"), help: "NAME=URL[,dialect=openai|ollama][,model=NAME]; repeat for each target.")
    var targets: [String]

    @Option(help: "The target the others are compared with, request by request.")
    var baseline: String?

    @Option(help: "The model to ask for (default: the one model each target serves).")
    var model: String?

    @Option(help: "Closed-loop users, a sweep: e.g. 1,4,16,64.")
    var concurrency: String?

    @Option(help: "Open-loop request rates (req/s), a sweep: e.g. 2,8. Replaces --concurrency.")
    var requestRate: String?

    @Option(help: "Shape of the gamma distribution of arrivals with --request-rate (1: Poisson; below 1: burstier).")
    var burstiness = 1.0

    @Option(help: "Requests per target per level.")
    var numRequests = 100

    @Option(help: "A cap on the time per target per level, e.g. 30s.")
    var duration: String?

    @Option(help: "Requests per target sent first and not measured.")
    var warmup = 2

    @Option(help: "Rounds each level is split into, the targets' order flipped each round.")
    var rounds = 2

    @Option(help: "Mean prompt length of synthetic prompts, in tokens (words).")
    var inputTokens = 128

    @Option(help: "Mean tokens to generate (max_tokens).")
    var outputTokens = 32

    @Option(help: "Lengths are drawn uniformly within ±this ratio of the means (0: fixed).")
    var rangeRatio = 0.0

    @Option(help: "A prefix of this many tokens shared by every prompt (prefix-cache workloads).")
    var sharedPrefixTokens = 0

    @Option(help: "A JSONL file of prompts, {\"prompt\": \"…\", \"max_tokens\": N} a line, instead of synthetic ones.")
    var dataset: String?

    @Option(help: "Objectives for goodput, e.g. ttft=500ms,tpot=50ms,e2el=10s.")
    var slo: String?

    @Option(help: "Seed of the prompts and arrivals.")
    var seed: UInt64 = 0

    @Option(help: "An API key sent to OpenAI-dialect targets (default: OPENAI_API_KEY).")
    var apiKey: String?

    @Option(help: "Write the report as JSON (schema: docs/BENCH.md).")
    var json: String?

    @Option(help: "Write an SVG chart: latency and throughput against load, one line per target.")
    var chart: String?

    func makePlan() throws -> BenchPlan {
        var parsed: [BenchTarget] = []
        for text in targets {
            do {
                var target = try BenchTarget(parsing: text)
                target.model = target.model ?? model
                parsed.append(target)
            } catch { throw ValidationError(error.description) }
        }
        let levels: [LoadLevel]
        if let requestRate {
            guard concurrency == nil else { throw ValidationError("give --concurrency or --request-rate, not both") }
            levels = try Self.list(requestRate, name: "--request-rate").map(LoadLevel.rate)
        } else {
            levels = try Self.list(concurrency ?? "1", name: "--concurrency").map { value in
                guard value >= 1, value == value.rounded() else { throw ValidationError("--concurrency takes whole numbers of users, e.g. 1,4,16") }
                return LoadLevel.concurrency(Int(value))
            }
        }
        var plan = BenchPlan(targets: parsed, levels: levels)
        plan.baseline = baseline
        plan.numRequests = numRequests
        if let duration {
            guard let parsed = Duration(parsing: duration), parsed > .zero else { throw ValidationError("--duration \(duration) is not a duration; write e.g. 30s") }
            plan.duration = parsed
        }
        plan.warmup = warmup
        plan.rounds = rounds
        plan.burstiness = burstiness
        plan.seed = seed
        plan.apiKey = apiKey ?? ProcessInfo.processInfo.environment["OPENAI_API_KEY"]
        plan.prompts = dataset.map { .file(path: $0, defaultMaxTokens: outputTokens) }
            ?? .synthetic(.init(inputTokens: inputTokens, outputTokens: outputTokens, rangeRatio: rangeRatio, sharedPrefixTokens: sharedPrefixTokens))
        if let slo {
            do { plan.slo = try ServiceLevelObjective(parsing: slo) } catch { throw ValidationError(error.description) }
        }
        guard inputTokens >= 1, outputTokens >= 1, (0..<1).contains(rangeRatio), sharedPrefixTokens >= 0, warmup >= 0 else {
            throw ValidationError("--input-tokens and --output-tokens must be at least 1, --range-ratio in [0, 1), --shared-prefix-tokens and --warmup 0 or more")
        }
        do { try plan.validate() } catch { throw ValidationError(error.description) }
        return plan
    }

    func validate() throws { _ = try makePlan() }

    func run() async throws {
        ConsoleLogging.bootstrap(level: .error)
        let plan = try makePlan()
        let terminal = Terminal.current
        let http = ProviderHTTPClient()
        let report: BenchReport
        do {
            report = try await BenchRunner(plan: plan, http: http).run { progress in
                let width = 30
                let filled = progress.total > 0 ? width * progress.done / progress.total : 0
                terminal.status(
                    "[\(String(repeating: "█", count: filled))\(String(repeating: "·", count: width - filled))] \(progress.done)/\(progress.total)"
                        + "  \(progress.target) \(progress.level) round \(progress.round)/\(progress.rounds)\(progress.failed > 0 ? "  failed \(progress.failed)" : "")"
                )
            }
            terminal.clearStatus()
        } catch {
            terminal.clearStatus()
            try? await http.shutdown()
            FileHandle.standardError.write(Data("ferry bench: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
        try? await http.shutdown()
        ConsoleLogging.say(report.table())
        if let json {
            try report.json().write(to: URL(fileURLWithPath: json))
            ConsoleLogging.say("JSON report: \(json)")
        }
        if let chart {
            try Data(report.chart().utf8).write(to: URL(fileURLWithPath: chart))
            ConsoleLogging.say("Chart: \(chart)")
        }
        if report.results.contains(where: { $0.completed == 0 }) {
            for result in report.results where result.completed == 0 {
                FileHandle.standardError.write(Data("ferry bench: \(result.target) at \(result.level) completed no request: \(result.errors.first ?? "no answer")\n".utf8))
            }
            throw ExitCode.failure
        }
    }

    static func list(_ text: String, name: String) throws -> [Double] {
        try text.split(separator: ",").map { part in
            guard let value = Double(part.trimmingCharacters(in: .whitespaces)), value > 0 else { throw ValidationError("\(name) takes numbers above 0 separated by commas, e.g. 1,4,16") }
            return value
        }
    }
}
