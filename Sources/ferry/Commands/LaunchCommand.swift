import ArgumentParser
import FerryConfig
import FerryCore
import FerryLaunch
import FerryProviders
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `ferry launch PRESET`: runs one inference server the way Ferry runs a managed backend — or prints its command.
struct LaunchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Run an inference server from a preset (vllm, llamacpp, ollama, sim), supervised, or print its command.",
        discussion: """
            Examples:
              ferry launch vllm --model Qwen/Qwen2.5-7B-Instruct --gpus 0,1 --tensor-parallel-size 2 --print
              ferry launch llamacpp --model-file smollm2.gguf --slots 4 --port 8080
              ferry launch sim --model demo -- --ttft 100ms
            Arguments after `--` are passed to the server as they are.
            """
    )

    enum Preset: String, ExpressibleByArgument, CaseIterable { case vllm, llamacpp, ollama, sim }

    @Argument(help: "vllm, llamacpp, ollama or sim.")
    var preset: Preset

    @Option(help: "The model: vLLM's model to serve, the name clients use for llama.cpp, Ollama's model to check, FerrySim's served name.")
    var model: String?

    @Option(help: "vLLM: the name clients use (--served-model-name).")
    var servedModelName: String?

    @Option(help: "vLLM: GPUs to use, e.g. 0,1 (CUDA_VISIBLE_DEVICES).")
    var gpus: String?

    @Option(help: "vLLM: tensor-parallel size.")
    var tensorParallelSize: Int?

    @Option(help: "vLLM: GPU memory share, 0 to 1.")
    var gpuMemoryUtilization: Double?

    @Option(help: "vLLM: the longest context.")
    var maxModelLen: Int?

    @Option(help: "vLLM: dtype (auto, bfloat16, float16).")
    var dtype: String?

    @Option(help: "vLLM: quantization (awq, gptq, fp8…).")
    var quantization: String?

    @Option(help: "llama.cpp: the GGUF model file.")
    var modelFile: String?

    @Option(help: "llama.cpp: requests served at once.")
    var slots = 4

    @Option(help: "llama.cpp: CPU threads.")
    var threads: Int?

    @Option(help: "llama.cpp: total context, split across slots.")
    var context = 4096

    @Option(help: "sim: the dialect, vllm, ollama or gemini.")
    var dialect = "vllm"

    @Option(help: "The port, or `any` for a free one (with --print: the server's usual port).")
    var port = "any"

    @Flag(help: "Print the command instead of running it.")
    var print = false

    @Argument(parsing: .postTerminator, help: "Extra arguments for the server, after `--`.")
    var extra: [String] = []

    func makePreset() throws -> LaunchPreset {
        switch preset {
        case .vllm:
            guard let model else { throw ValidationError("vllm needs --model, e.g. --model Qwen/Qwen2.5-7B-Instruct") }
            var options = LaunchPreset.VLLM(model: model)
            options.servedModelName = servedModelName
            options.gpus = gpus
            options.tensorParallelSize = tensorParallelSize
            options.gpuMemoryUtilization = gpuMemoryUtilization
            options.maxModelLength = maxModelLen
            options.dtype = dtype
            options.quantization = quantization
            options.extraArguments = extra
            return .vllm(options)
        case .llamacpp:
            guard let modelFile else { throw ValidationError("llamacpp needs --model-file FILE.gguf") }
            var options = LaunchPreset.LlamaCpp(modelFile: modelFile)
            options.alias = model
            options.slots = slots
            options.threads = threads
            options.context = context
            options.extraArguments = extra
            return .llamacpp(options)
        case .ollama:
            return .ollama(.init(model: model))
        case .sim:
            var options = LaunchPreset.Sim(ferryExecutable: LaunchPreset.Sim.runningFerry, models: [model ?? "demo"])
            options.dialect = dialect
            options.extraArguments = extra
            return .sim(options)
        }
    }

    func makeSpec() throws -> LaunchSpec {
        if port == "any" { return try makePreset().spec(port: .any) }
        guard let number = Int(port), (1...65535).contains(number) else { throw ValidationError("--port takes a port number or `any`") }
        return try makePreset().spec(port: .fixed(number))
    }

    func validate() throws { _ = try makeSpec() }

    func run() async throws {
        let spec = try makeSpec()
        if print {
            // A command for the user's scripts needs a real port: the server's usual one unless --port says.
            let usual = switch preset {
            case .vllm, .sim: 8000
            case .llamacpp: 8080
            case .ollama: 11434
            }
            let port: Int = if case .fixed(let number) = spec.port { number } else { usual }
            let environment = spec.environment.sorted { $0.key < $1.key }.map { key, value in "\(key)=\(LaunchSpec.shellQuoted(LaunchSpec.fill(value, port: port)))" }
            ConsoleLogging.say((environment + [spec.commandLine(port: port)]).joined(separator: " "))
            return
        }
        ConsoleLogging.bootstrap(level: .info)
        let provider = FerryConfiguration.ProviderKind(launchPreset: preset.rawValue, dialect: dialect) ?? .vllm
        let http = ProviderHTTPClient()
        let backend = FerryConfiguration.Backend(name: preset.rawValue, provider: provider, urls: [], model: model, launch: spec)
        let managed = RouterFactory.managed(backend, launch: spec, http: http)
        let logger = Logger(label: "ferry.launch")
        let announcer = Task {
            guard let port = try? await managed.process.ensureReady() else { return }
            ConsoleLogging.say("\(preset.rawValue) ready at http://127.0.0.1:\(port) — \(managed.process.status.command)")
        }
        var group = ServiceGroupConfiguration(services: [managed.process], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(15)
        try await ServiceGroup(configuration: group).run()
        announcer.cancel()
        try? await http.shutdown()
    }
}
