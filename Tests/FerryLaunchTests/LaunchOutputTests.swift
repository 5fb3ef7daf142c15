import FerryLaunch
import Logging
import Testing

/// A managed backend's output: its chatter at debug, its warnings and errors at their level, per server.
@Suite("Managed backends' output levels")
struct LaunchOutputTests {
    @Test("each server's lines, as they print them", arguments: [
        (LaunchSpec.Output.vllm, "INFO 12-05 10:00:01 [api_server.py:1024] Started server process [4242]", Logger.Level.debug),
        (.vllm, "WARNING 12-05 10:00:01 [config.py:123] Casting torch.bfloat16 to torch.float16.", .warning),
        (.vllm, "ERROR 12-05 10:00:02 [engine.py:88] CUDA out of memory", .error),
        (.vllm, "Traceback (most recent call last):", .error),
        (.llamacpp, "slot get_availabl: id  0 | task 12 | selected slot by LRU, t_last = 1733392811", .debug),
        (.llamacpp, "prompt eval time =      14.95 ms /    13 tokens (    1.15 ms per token,   869.57 tokens per second)", .debug),
        (.llamacpp, "srv  log_server_r: request: POST /v1/chat/completions 127.0.0.1 200", .debug),
        (.llamacpp, "ferry_engine: serving /root/.cache/ferry/engine/model.gguf as smollm2 on http://127.0.0.1:41234", .debug),
        (.llamacpp, "common_init_from_params: warning: vocab does not have an EOS token", .warning),
        (.llamacpp, "llama_model_load: error loading model: failed to open model.gguf", .error),
        (.llamacpp, "E llama_init_from_model: failed to allocate", .error),
        (.ollama, #"time=2026-12-05T10:00:00.000Z level=INFO source=routes.go:1200 msg="Listening on 127.0.0.1:11434""#, .debug),
        (.ollama, #"time=2026-12-05T10:00:00.000Z level=WARN source=gpu.go:602 msg="no compatible GPUs were discovered""#, .warning),
        (.ollama, #"time=2026-12-05T10:00:00.000Z level=ERROR source=sched.go:455 msg="error loading llama server""#, .error),
        (.swiftLog, "2026-12-05T10:00:00+0000 info ferry.sim: FerrySim listening on http://127.0.0.1:8000", .debug),
        (.swiftLog, "2026-12-05T10:00:00+0000 warning ferry.sim: fault 503 fired", .warning),
        (.swiftLog, "2026-12-05T10:00:00+0000 error ferry.sim: could not bind", .error),
        (.generic, "listening on :8000", .debug),
        (.generic, "fatal: cannot open the model", .error),
    ])
    func levels(output: LaunchSpec.Output, line: String, level: Logger.Level) {
        #expect(output.level(of: line) == level, "\(line)")
    }

    @Test("every preset says how its server writes, and what it serves")
    func presets() {
        #expect(LaunchPreset.vllm(.init(model: "Qwen/Qwen2.5-7B-Instruct")).spec().output == .vllm)
        #expect(LaunchPreset.vllm(.init(model: "Qwen/Qwen2.5-7B-Instruct")).spec().model == "Qwen/Qwen2.5-7B-Instruct")
        #expect(LaunchPreset.ollama(.init()).spec().output == .ollama)
        #expect(LaunchPreset.sim(.init(ferryExecutable: "ferry", models: ["demo"])).spec().output == .swiftLog)
        #expect(LaunchPreset.sim(.init(ferryExecutable: "ferry", models: ["demo"])).spec().model == "demo")
    }
}
