import FerryCore
import FerryLaunch
import FerryProviders
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// Supervision with FerrySim (`ferry sim`) as the managed process: start, readiness, crash → restart, idle stop,
/// a crash loop, shutdown.
@Suite("Managed process", .serialized)
struct ManagedProcessTests {
    /// The `ferry` executable built next to the tests (it plays the launched server: `ferry sim`).
    static let ferry = LaunchPreset.Sim.builtFerry

    static func simSpec(idleStop: Duration? = nil, startOnFirstRequest: Bool = false) -> LaunchSpec {
        var options = LaunchPreset.Sim(ferryExecutable: ferry)
        options.extraArguments = ["--ttft", "0", "--tokens-per-second", "0", "--log-level", "warning"]
        var spec = LaunchPreset.sim(options).spec()
        spec.restart = RestartPolicy(maxRestarts: 3, backoff: .milliseconds(500), maxBackoff: .seconds(1))
        spec.idleStop = idleStop
        spec.startOnFirstRequest = startOnFirstRequest
        spec.readyTimeout = .seconds(20)
        return spec
    }

    /// Runs `process` as a service for the length of `body`, with a model over it; then shuts down gracefully.
    static func withSupervised<Value: Sendable>(_ spec: LaunchSpec, _ body: @Sendable (ManagedProcess, ManagedLanguageModel) async throws -> Value) async throws -> Value {
        let http = ProviderHTTPClient()
        let process = ManagedProcess(name: "sim", spec: spec, logger: Logger(label: "test")) { port in
            guard let endpoint = try? BackendEndpoint("http://127.0.0.1:\(port)") else { return false }
            return await OpenAICompatibleProvider(name: "sim", endpoint: endpoint, flavor: .vllm, http: http).health().answeredBy != nil
        }
        let model = ManagedLanguageModel(process: process) { port in
            OpenAICompatibleProvider(name: "sim", endpoint: try BackendEndpoint("http://127.0.0.1:\(port)"), flavor: .vllm, http: http)
        }
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let group = ServiceGroup(configuration: .init(services: [process], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                let value = try await body(process, model)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                try? await http.shutdown()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                try? await http.shutdown()
                throw error
            }
        }
    }

    static func answer(_ model: some LanguageModel) async throws -> String {
        var request = ChatRequest(model: "demo", messages: [.user("Hello")])
        request.sampling.maxTokens = 3
        return try await model.chat(request).message.text
    }

    static func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

    static func waitFor(_ what: String, within limit: Duration = .seconds(20), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TimeoutError(what: what) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    struct TimeoutError: Error { var what: String }

    @Test("starts, becomes ready, answers, is restarted after it is killed, and is stopped on shutdown")
    func lifecycle() async throws {
        let pids = try await Self.withSupervised(Self.simSpec()) { process, model in
            let text = try await Self.answer(model)
            #expect(text.split(separator: " ").count == 3)
            let first = try #require(process.status.pid)
            #expect(process.phase == .ready)
            #expect(process.status.command.contains(" sim --dialect vllm --host 127.0.0.1 --port \(process.status.port ?? 0)"))
            kill(first, SIGKILL)
            try await Self.waitFor("a restart") { process.status.restarts == 1 }
            #expect(process.status.lastExit == "was killed by signal 9")
            // While it restarts, requests fail at once (the router falls back), naming how it ended.
            await #expect(throws: FerryError.self) { try await Self.answer(model) }
            try await Self.waitFor("ready again") { process.phase == .ready }
            #expect(try await Self.answer(model).isEmpty == false)
            let second = try #require(process.status.pid)
            #expect(second != first)
            return [first, second]
        }
        try await Self.waitFor("the process to be gone after shutdown", within: .seconds(10)) { !Self.isAlive(pids[1]) }
    }

    @Test("start on first request, stop when idle, start again on the next request")
    func idleStop() async throws {
        try await Self.withSupervised(Self.simSpec(idleStop: .milliseconds(500), startOnFirstRequest: true)) { process, model in
            try await Task.sleep(for: .milliseconds(300))
            #expect(process.phase == .idle)
            #expect(process.status.pid == nil)
            #expect(await model.health().status == .healthy)
            #expect(process.phase == .idle, "a health probe must not start an idle process")
            _ = try await Self.answer(model)
            let first = try #require(process.status.pid)
            try await Self.waitFor("the idle stop") { process.phase == .idle }
            try await Self.waitFor("the process to be gone") { !Self.isAlive(first) }
            _ = try await Self.answer(model)
            #expect(process.phase == .ready)
            #expect(process.status.pid != first)
        }
    }

    @Test("a process that crashes in a loop: backoff, then an error naming its last lines")
    func crashLoop() async throws {
        var spec = LaunchSpec(command: "/bin/sh", arguments: ["-c", "echo loading model; echo 'error: unable to open model file /models/missing.gguf' >&2; exit 3"])
        spec.restart = RestartPolicy(maxRestarts: 2, backoff: .milliseconds(50), maxBackoff: .milliseconds(100))
        spec.readyTimeout = .seconds(5)
        try await Self.withSupervised(spec) { process, model in
            try await Self.waitFor("Ferry to give up") { process.phase == .failed }
            #expect(process.status.restarts == 2)
            do {
                _ = try await Self.answer(model)
                Issue.record("a failed process must not answer")
            } catch let error as FerryError {
                #expect(error.message.contains("exited with code 3, 3 times in a row; Ferry stopped restarting it"))
                #expect(error.message.contains("error: unable to open model file /models/missing.gguf"))
                #expect(error.hint.contains("fix the command"))
            }
        }
    }

    @Test("a fixed port that is taken: another free one")
    func portTaken() async throws {
        try await Self.withSupervised(Self.simSpec()) { first, _ in
            _ = try await first.ensureReady()
            let taken = try #require(first.status.port)
            var spec = Self.simSpec()
            spec.port = .fixed(taken)
            try await Self.withSupervised(spec) { second, model in
                let port = try await second.ensureReady()
                #expect(port != taken)
                #expect(try await Self.answer(model).isEmpty == false)
            }
        }
    }
}
