import FerryCore
import FerryRouter
import Synchronization

/// A clock for tests: short sleeps (backoff) return at once and move time forward, and are recorded; sleeps of
/// 30 s or more (deadlines) never end unless cancelled — so no test waits, and no deadline fires by accident.
final class ManualClock: RouterClock {
    private let state = Mutex<(now: Duration, sleeps: [Duration])>((.zero, []))

    func now() -> Duration { state.withLock { $0.now } }

    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    func advance(by duration: Duration) { state.withLock { $0.now += duration } }

    func sleep(for duration: Duration) async throws {
        if duration >= .seconds(30) {
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
        state.withLock {
            $0.sleeps.append(duration)
            $0.now += duration
        }
        try Task.checkCancellation()
    }
}

/// A backend whose answers follow a script: each call takes the next outcome (the last repeats).
final class ScriptedModel: LanguageModel {
    enum Outcome: Sendable {
        case answer(String)
        case fail(FerryError)
        /// Streams: the first event, then a failure.
        case breakAfterFirstEvent
    }

    let name: String
    private let script: Mutex<[Outcome]>
    private let calls = Mutex(0)

    init(_ name: String, _ script: [Outcome]) {
        self.name = name
        self.script = Mutex(script)
    }

    var callCount: Int { calls.withLock { $0 } }

    private func nextOutcome() -> Outcome {
        calls.withLock { $0 += 1 }
        return script.withLock { script in script.count > 1 ? script.removeFirst() : script[0] }
    }

    func chat(_ request: ChatRequest) async throws -> ChatResponse {
        switch nextOutcome() {
        case .answer(let text):
            return ChatResponse(id: "1", model: request.model, created: 0, message: .assistant("\(name): \(text)"), finishReason: .stop, usage: nil)
        case .fail(let error): throw error
        case .breakAfterFirstEvent: throw FerryError.streamInterrupted("broken", location: ErrorLocation(backend: name))
        }
    }

    func streamChat(_ request: ChatRequest) async throws -> ChatEventStream {
        let outcome = nextOutcome()
        if case .fail(let error) = outcome { throw error }
        let name = self.name
        return ChatEventStream { continuation in
            continuation.yield(.start(StreamStart(id: "1", model: request.model, created: 0)))
            switch outcome {
            case .answer(let text):
                continuation.yield(.textDelta("\(name): \(text)"))
                continuation.yield(.finish(StreamFinish(reason: .stop)))
            case .breakAfterFirstEvent, .fail:
                continuation.yield(.error(.streamInterrupted("the backend died", location: ErrorLocation(backend: name))))
            }
            continuation.finish()
        }
    }

    func streamComplete(_ request: CompletionRequest) async throws -> ChatEventStream {
        try await streamChat(ChatRequest(model: request.model, messages: [.user(request.prompt)]))
    }

    func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        EmbeddingResponse(model: request.model, embeddings: request.inputs.map { _ in [1] })
    }

    func models() async throws -> [ModelInfo] { [ModelInfo(id: "m")] }

    func health() async -> HealthReport { HealthReport(backend: name, url: "", status: .healthy) }
}

let unavailable = FerryError.upstream(status: 503, message: "overloaded", location: ErrorLocation())
let refused = FerryError(code: .connectionFailed, message: "refused", hint: "start it")
