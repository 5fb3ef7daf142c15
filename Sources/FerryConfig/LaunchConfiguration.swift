import FerryCore
import FerryLaunch
import Foundation

/// A backend's `launch:` section → the process Ferry runs for it.
///
/// ```yaml
/// backends:
///   local:
///     model: smollm2
///     launch:
///       preset: llamacpp          # vllm | llamacpp | ollama | sim — or command: + args:
///       model_file: /models/smollm2.gguf
///       slots: 4
///       port: any                 # or a number
///       ready_timeout: 120s
///       restart: {max: 5, backoff: 1s, max_backoff: 30s}
///       idle_stop: 10m
///       start_on_first_request: true
/// ```
enum LaunchConfiguration {
    static let presets = ["engine", "vllm", "llamacpp", "ollama", "sim"]

    static func spec(backend: String, model: String?, key: String, values: ConfigurationValues, file: ConfigurationFile?) throws(FerryError) -> LaunchSpec? {
        let presetName = values.string("\(key).preset")?.lowercased()
        let command = values.string("\(key).command")
        guard presetName != nil || command != nil else {
            if file?.names(under: key).isEmpty == false {
                throw FerryError(code: .configuration, message: "`\(key)` has neither `preset` nor `command` (\(file?.place(of: key) ?? "file"))", hint: "set \(key).preset to one of \(presets.joined(separator: ", ")), or \(key).command to the server's executable")
            }
            return nil
        }
        let extra = values.strings("\(key).extra_args") ?? []
        var spec: LaunchSpec
        if presetName == "engine" {
            spec = EmbeddedEngine().spec(
                slots: try values.int("\(key).slots", in: 1...64) ?? 4, context: try values.int("\(key).context", in: 256...1_000_000) ?? 8192,
                threads: try values.int("\(key).threads", in: 1...1024), model: values.string("\(key).model_file"), alias: model ?? EmbeddedEngine.modelName
            )
            spec.arguments += extra
        } else if let presetName {
            let preset: LaunchPreset
            switch presetName {
            case "vllm":
                guard let name = values.string("\(key).model") ?? model else {
                    throw FerryError(code: .configuration, message: "`\(key)` (vllm) names no model", hint: "set \(key).model (or the backend's model) to the Hugging Face model to serve")
                }
                var options = LaunchPreset.VLLM(model: name)
                options.servedModelName = model.flatMap { $0 == name ? nil : $0 }
                options.gpus = values.string("\(key).gpus")
                options.tensorParallelSize = try values.int("\(key).tensor_parallel_size", in: 1...1024)
                options.gpuMemoryUtilization = try values.double("\(key).gpu_memory_utilization", in: 0.01...1)
                options.maxModelLength = try values.int("\(key).max_model_len", in: 1...100_000_000)
                options.dtype = values.string("\(key).dtype")
                options.quantization = values.string("\(key).quantization")
                options.extraArguments = extra
                preset = .vllm(options)
            case "llamacpp":
                guard let file = values.string("\(key).model_file") else {
                    throw FerryError(code: .configuration, message: "`\(key)` (llamacpp) names no model file", hint: "set \(key).model_file to a GGUF file")
                }
                var options = LaunchPreset.LlamaCpp(modelFile: file)
                options.alias = model
                options.slots = try values.int("\(key).slots", in: 1...1024) ?? options.slots
                options.threads = try values.int("\(key).threads", in: 1...1024)
                options.context = try values.int("\(key).context", in: 256...10_000_000) ?? options.context
                options.extraArguments = extra
                preset = .llamacpp(options)
            case "ollama":
                preset = .ollama(.init(model: model))
            case "sim":
                var options = LaunchPreset.Sim(ferryExecutable: values.string("ferry.executable") ?? LaunchPreset.Sim.runningFerry, models: values.strings("\(key).models") ?? [model ?? "demo"])
                options.dialect = values.string("\(key).dialect")?.lowercased() ?? "vllm"
                options.extraArguments = extra
                preset = .sim(options)
            default:
                throw values.invalid("\(key).preset", presetName, accepted: presets.joined(separator: ", "))
            }
            spec = preset.spec()
            if let command { spec.command = command }
        } else {
            spec = LaunchSpec(command: command ?? "", arguments: (values.strings("\(key).args") ?? []) + extra)
        }
        for name in file?.names(under: "\(key).env") ?? [] {
            if let value = values.string("\(key).env.\(name)") { spec.environment[name] = value }
        }
        if let port = values.string("\(key).port") {
            if port.lowercased() == "any" {
                spec.port = .any
            } else {
                guard let number = try values.int("\(key).port", in: 1...65535) else { throw values.invalid("\(key).port", port, accepted: "any, or a port number") }
                spec.port = .fixed(number)
            }
        }
        spec.readyTimeout = try values.duration("\(key).ready_timeout") ?? spec.readyTimeout
        spec.restart = RestartPolicy(
            maxRestarts: try values.int("\(key).restart.max", in: 0...1000) ?? spec.restart.maxRestarts,
            backoff: try values.duration("\(key).restart.backoff") ?? spec.restart.backoff,
            maxBackoff: try values.duration("\(key).restart.max_backoff") ?? spec.restart.maxBackoff
        )
        spec.idleStop = try values.duration("\(key).idle_stop")
        spec.startOnFirstRequest = try values.bool("\(key).start_on_first_request") ?? false
        guard !spec.command.isEmpty else { throw FerryError(code: .configuration, message: "`\(key).command` is empty", hint: "name the server's executable") }
        return spec
    }

    /// The embedded engine as the one backend of route `default`: what Ferry uses when nothing else is configured.
    static func embeddedEngineBackend() -> FerryConfiguration.Backend { .embeddedEngine }

    /// The running `ferry` (for the sim preset); `FERRY_EXECUTABLE` overrides it.
    static var ferryExecutable: String { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

extension FerryConfiguration.Backend {
    /// Ferry's embedded engine (llama.cpp + SmolLM2-135M) as a launched backend named `local`.
    /// Requests that leave them unset get `max_tokens` 256 and temperature 0: a 135M model asked "Hello" otherwise
    /// rambles until its context is full (2,038 tokens, 67 s on 2 cores), and sampled at llama.cpp's default 0.8 it
    /// answers "What is the capital of France?" with nonsense as often as with Paris.
    public static var embeddedEngine: Self {
        var defaults = SamplingParameters()
        defaults.maxTokens = 256
        defaults.temperature = 0
        return Self(name: "local", provider: .llamacpp, urls: [], model: EmbeddedEngine.modelName, defaults: defaults, launch: EmbeddedEngine().spec())
    }
}
