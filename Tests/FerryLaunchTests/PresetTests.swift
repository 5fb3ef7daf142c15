import FerryLaunch
import Testing

/// The exact command lines of the launch presets.
@Suite("Launch presets")
struct PresetTests {
    @Test("vllm: every option in vLLM's own flags, GPUs in CUDA_VISIBLE_DEVICES")
    func vllm() {
        var options = LaunchPreset.VLLM(model: "Qwen/Qwen2.5-7B-Instruct")
        options.servedModelName = "qwen"
        options.gpus = "0,1"
        options.tensorParallelSize = 2
        options.gpuMemoryUtilization = 0.85
        options.maxModelLength = 8192
        options.dtype = "bfloat16"
        options.quantization = "awq"
        options.extraArguments = ["--enable-prefix-caching"]
        let spec = LaunchPreset.vllm(options).spec()
        #expect(spec.command == "vllm")
        #expect(spec.arguments == [
            "serve", "Qwen/Qwen2.5-7B-Instruct", "--host", "127.0.0.1", "--port", "{port}", "--served-model-name", "qwen",
            "--tensor-parallel-size", "2", "--gpu-memory-utilization", "0.85", "--max-model-len", "8192", "--dtype", "bfloat16",
            "--quantization", "awq", "--enable-prefix-caching",
        ])
        #expect(spec.environment == ["CUDA_VISIBLE_DEVICES": "0,1"])
        #expect(spec.commandLine(port: 8000) == "vllm serve Qwen/Qwen2.5-7B-Instruct --host 127.0.0.1 --port 8000 --served-model-name qwen --tensor-parallel-size 2 --gpu-memory-utilization 0.85 --max-model-len 8192 --dtype bfloat16 --quantization awq --enable-prefix-caching")
        #expect(LaunchPreset.vllm(.init(model: "m")).spec().arguments == ["serve", "m", "--host", "127.0.0.1", "--port", "{port}"])
    }

    @Test("llamacpp: model file, slots, threads, context, continuous batching")
    func llamacpp() {
        var options = LaunchPreset.LlamaCpp(modelFile: "/models/SmolLM2 135M.gguf")
        options.slots = 8
        options.threads = 2
        options.context = 16384
        options.alias = "smollm2"
        let spec = LaunchPreset.llamacpp(options).spec(port: .fixed(8080))
        #expect(spec.command == "llama-server")
        #expect(spec.arguments == ["--model", "/models/SmolLM2 135M.gguf", "--host", "127.0.0.1", "--port", "{port}", "--parallel", "8", "--ctx-size", "16384", "--cont-batching", "--threads", "2", "--alias", "smollm2"])
        #expect(spec.port == .fixed(8080))
        #expect(spec.commandLine(port: 8080).contains("--model '/models/SmolLM2 135M.gguf'"))
    }

    @Test("ollama: `ollama serve` on the chosen port through OLLAMA_HOST")
    func ollama() {
        let spec = LaunchPreset.ollama(.init(model: "llama3.2")).spec()
        #expect(spec.command == "ollama" && spec.arguments == ["serve"])
        #expect(spec.environment == ["OLLAMA_HOST": "127.0.0.1:{port}"])
    }

    @Test("sim: ferry sim with its dialect and models")
    func sim() {
        var options = LaunchPreset.Sim(ferryExecutable: "/usr/local/bin/ferry", models: ["demo", "other"])
        options.dialect = "ollama"
        options.extraArguments = ["--ttft", "0"]
        #expect(LaunchPreset.sim(options).spec().commandLine(port: 9000) == "/usr/local/bin/ferry sim --dialect ollama --host 127.0.0.1 --port 9000 --model demo --model other --ttft 0")
    }

    @Test("restart backoff doubles up to its cap")
    func backoff() {
        let policy = RestartPolicy(maxRestarts: 5, backoff: .milliseconds(100), maxBackoff: .milliseconds(350))
        #expect((1...5).map { policy.delay(beforeRestart: $0) } == [.milliseconds(100), .milliseconds(200), .milliseconds(350), .milliseconds(350), .milliseconds(350)])
    }
}
