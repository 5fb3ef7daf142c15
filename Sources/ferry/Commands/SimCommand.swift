import ArgumentParser
import FerryCore
import FerrySim
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `ferry sim`: a simulated vLLM, Ollama or Gemini server on loopback, for tests, benchmarks and demos.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run FerrySim, a simulated inference server (vLLM, Ollama or Gemini on the wire).",
        discussion: """
            Answers are deterministic: the same request gives the same text. Time to first token grows with the
            uncached prompt, then tokens come at --tokens-per-second. Faults are KIND[:ARG][@WHEN]:
              kinds  refuse, 404, 429[:RETRY_AFTER], 500, 503, hang, slow-first[:DURATION], drop[:TOKENS], malformed
              when   (always), @0.25 probability, @3 the 3rd request, @2-4, @3+
            Change faults at run time: PUT /_sim/faults {"faults": ["503@0.5"]}; read counters: GET /_sim/stats.

            Example: ferry sim --dialect vllm --port 8000 --model demo --fault 503@0.2
            """
    )

    @Option(help: "The server to play: vllm, ollama or gemini.")
    var dialect: SimDialect = .vllm

    @Option(help: "The address to bind.")
    var host = "127.0.0.1"

    @Option(help: "The port to bind (0: any free port; the URL is printed).")
    var port = 8000

    @Option(name: .customLong("model"), help: "A served model name; repeat for several (default: demo).")
    var models: [String] = []

    @Option(help: "Base time to first token, e.g. 200ms, 1s, 0.")
    var ttft = "200ms"

    @Option(help: "Generation speed per request (0: as fast as possible).")
    var tokensPerSecond: Double = 50

    @Option(help: "Prompt processing speed; each uncached prompt token adds to the time to first token (0: free).")
    var prefillTokensPerSecond: Double = 5000

    @Option(help: "Requests generated at once in batched mode.")
    var maxConcurrency = 16

    @Option(help: "batched (like vLLM) or serial (one at a time, like a single-slot Ollama).")
    var mode: SimMode = .batched

    @Flag(help: "Make a repeated prompt prefix cheaper and report cached prompt tokens.")
    var prefixCache = false

    @Option(name: .customLong("fault"), help: "A fault to inject, KIND[:ARG][@WHEN]; repeat for several.")
    var faults: [String] = []

    @Option(help: "Every answer's length in tokens (default: 16 to 48, drawn per prompt); a request's max_tokens still cuts it.")
    var answerTokens: Int?

    @Option(help: "Seed mixed into every generation.")
    var seed: UInt64 = 0

    @Option(help: "Size of embedding vectors.")
    var embeddingDimensions = 384

    @Option(help: "Context window to report.")
    var contextLength = 8192

    @Option(help: "A key every API request must carry as `Authorization: Bearer KEY`, like `vllm serve --api-key`.")
    var apiKey: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard Duration(parsing: ttft) != nil else {
            throw ValidationError("--ttft \(ttft) is not a duration; write e.g. 200ms, 1.5s or 0")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535, got \(port)") }
        guard tokensPerSecond >= 0, prefillTokensPerSecond >= 0 else {
            throw ValidationError("--tokens-per-second and --prefill-tokens-per-second must be 0 or more")
        }
        guard maxConcurrency >= 1 else { throw ValidationError("--max-concurrency must be at least 1") }
        guard embeddingDimensions >= 1 else { throw ValidationError("--embedding-dimensions must be at least 1") }
        for fault in faults {
            do { _ = try FaultSpec(parsing: fault) } catch { throw ValidationError(error.description) }
        }
    }

    func run() async throws {
        ConsoleLogging.bootstrap(level: logLevel)
        let configuration = SimConfiguration(
            dialect: dialect, host: host, port: port, models: models.isEmpty ? ["demo"] : models,
            timeToFirstToken: Duration(parsing: ttft) ?? .zero, prefillTokensPerSecond: prefillTokensPerSecond,
            tokensPerSecond: tokensPerSecond, maxConcurrency: maxConcurrency, mode: mode, prefixCache: prefixCache,
            faults: try faults.map { try FaultSpec(parsing: $0) }, seed: seed,
            embeddingDimensions: embeddingDimensions, contextLength: contextLength, apiKey: apiKey
        )
        var configured = configuration
        configured.answerTokens = answerTokens
        let server = SimServer(configuration: configured)
        let host = host
        let app = server.makeApplication(logger: Logger(label: "ferry.sim")) { port in
            let shown = host.contains(":") ? "[\(host)]" : host
            ConsoleLogging.say(
                "FerrySim listening on http://\(shown):\(port) (dialect \(configuration.dialect.rawValue), models: \(configuration.models.joined(separator: ", ")))"
            )
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "ferry.sim")
        )
        // Streams in flight may finish for a few seconds after SIGTERM; a hung client does not hold the exit.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(5)
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ValidationError("port \(port) on \(host) is already in use: stop what listens there, or choose another with --port (0 picks a free one)")
        }
    }
}

extension SimDialect: ExpressibleByArgument {}
extension SimMode: ExpressibleByArgument {}
