import Foundation

/// Launch presets: the intent (a model, GPUs, slots) rather than a command line. Each gives the exact command —
/// for Ferry to run, or for `ferry launch PRESET --print` to hand to the user's own scripts.
///
/// ```swift
/// var vllm = LaunchPreset.VLLM(model: "Qwen/Qwen2.5-7B-Instruct")
/// vllm.tensorParallelSize = 2
/// print(LaunchPreset.vllm(vllm).spec().commandLine(port: 8000))
/// // vllm serve Qwen/Qwen2.5-7B-Instruct --host 127.0.0.1 --port 8000 --tensor-parallel-size 2
/// ```
public enum LaunchPreset: Sendable, Hashable {
    public struct VLLM: Sendable, Hashable {
        public var model: String
        /// The name clients use (`--served-model-name`); nil: the model.
        public var servedModelName: String?
        /// GPUs to use (`CUDA_VISIBLE_DEVICES`), e.g. "0,1".
        public var gpus: String?
        public var tensorParallelSize: Int?
        public var gpuMemoryUtilization: Double?
        public var maxModelLength: Int?
        public var dtype: String?
        public var quantization: String?
        public var apiKey: String?
        public var extraArguments: [String] = []

        public init(model: String) { self.model = model }
    }

    public struct LlamaCpp: Sendable, Hashable {
        public var modelFile: String
        /// The name clients use (`--alias`).
        public var alias: String?
        /// Requests served at once (continuous batching).
        public var slots = 4
        public var threads: Int?
        /// Total context, split across slots.
        public var context = 4096
        public var extraArguments: [String] = []

        public init(modelFile: String) { self.modelFile = modelFile }
    }

    public struct Ollama: Sendable, Hashable {
        /// The model that must be pulled (checked when the server is up).
        public var model: String?

        public init(model: String? = nil) { self.model = model }
    }

    public struct Sim: Sendable, Hashable {
        /// The `ferry` executable that runs `ferry sim`.
        public var ferryExecutable: String
        public var dialect = "vllm"
        public var models: [String]
        public var extraArguments: [String] = []

        public init(ferryExecutable: String, models: [String] = ["demo"]) {
            self.ferryExecutable = ferryExecutable
            self.models = models
        }

        /// The `ferry` executable of this process.
        public static var runningFerry: String {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        }

        /// The `ferry` executable built beside this process: in its folder or one above it (a test bundle inside a
        /// build folder), else `ferry` on PATH.
        public static var builtFerry: String {
            var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            while directory.path != "/" {
                let candidate = directory.appendingPathComponent("ferry").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                directory.deleteLastPathComponent()
            }
            return "ferry"
        }
    }

    case vllm(VLLM)
    case llamacpp(LlamaCpp)
    case ollama(Ollama)
    case sim(Sim)

    /// The preset's process: command, arguments with `{port}`, environment, and a readiness deadline that fits
    /// how long such a server takes to start.
    public func spec(port: LaunchSpec.Port = .any) -> LaunchSpec {
        switch self {
        case .vllm(let options):
            var arguments = ["serve", options.model, "--host", "127.0.0.1", "--port", "{port}"]
            if let name = options.servedModelName { arguments += ["--served-model-name", name] }
            if let size = options.tensorParallelSize { arguments += ["--tensor-parallel-size", String(size)] }
            if let share = options.gpuMemoryUtilization { arguments += ["--gpu-memory-utilization", String(share)] }
            if let length = options.maxModelLength { arguments += ["--max-model-len", String(length)] }
            if let dtype = options.dtype { arguments += ["--dtype", dtype] }
            if let quantization = options.quantization { arguments += ["--quantization", quantization] }
            if let key = options.apiKey { arguments += ["--api-key", key] }
            var spec = LaunchSpec(
                command: "vllm", arguments: arguments + options.extraArguments,
                environment: options.gpus.map { ["CUDA_VISIBLE_DEVICES": $0] } ?? [:], port: port, readyTimeout: .seconds(900)
            )
            spec.output = .vllm
            spec.model = options.servedModelName ?? options.model
            return spec
        case .llamacpp(let options):
            var arguments = ["--model", options.modelFile, "--host", "127.0.0.1", "--port", "{port}", "--parallel", String(options.slots), "--ctx-size", String(options.context), "--cont-batching"]
            if let threads = options.threads { arguments += ["--threads", String(threads)] }
            if let alias = options.alias { arguments += ["--alias", alias] }
            var spec = LaunchSpec(command: "llama-server", arguments: arguments + options.extraArguments, port: port, readyTimeout: .seconds(300))
            spec.output = .llamacpp
            spec.model = options.alias ?? options.modelFile
            return spec
        case .ollama:
            var spec = LaunchSpec(command: "ollama", arguments: ["serve"], environment: ["OLLAMA_HOST": "127.0.0.1:{port}"], port: port, readyTimeout: .seconds(60))
            spec.output = .ollama
            return spec
        case .sim(let options):
            let arguments = ["sim", "--dialect", options.dialect, "--host", "127.0.0.1", "--port", "{port}"] + options.models.flatMap { ["--model", $0] }
            var spec = LaunchSpec(command: options.ferryExecutable, arguments: arguments + options.extraArguments, port: port, readyTimeout: .seconds(30))
            spec.output = .swiftLog
            spec.model = options.models.isEmpty ? nil : options.models.joined(separator: ", ")
            return spec
        }
    }

    /// The preset's name, as written in the configuration and `ferry launch`.
    public var name: String {
        switch self {
        case .vllm: "vllm"
        case .llamacpp: "llamacpp"
        case .ollama: "ollama"
        case .sim: "sim"
        }
    }
}
