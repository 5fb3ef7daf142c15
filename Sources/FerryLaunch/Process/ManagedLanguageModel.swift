import FerryCore
import Synchronization

/// A `LanguageModel` whose server is a ``ManagedProcess``: every call first makes sure the process is ready
/// (starting it on the first request when so configured), then goes to the model on the process's port.
///
/// ```swift
/// let model = ManagedLanguageModel(process: process) { port in
///     OpenAICompatibleProvider(name: "engine", endpoint: try BackendEndpoint("http://127.0.0.1:\(port)"), http: http)
/// }
/// ```
public final class ManagedLanguageModel: LanguageModel, ServerProcessReporting, Sendable {
    public let process: ManagedProcess
    public var name: String { process.name }
    private let make: @Sendable (_ port: Int) throws -> any LanguageModel
    private let current = Mutex<(port: Int, model: any LanguageModel)?>(nil)

    public init(process: ManagedProcess, model make: @escaping @Sendable (_ port: Int) throws -> any LanguageModel) {
        self.process = process
        self.make = make
    }

    /// The model on the ready process's port.
    private func ready() async throws -> any LanguageModel {
        try model(on: try await process.ensureReady())
    }

    private func model(on port: Int) throws -> any LanguageModel {
        try current.withLock { current in
            if let current, current.port == port { return current.model }
            let model = try make(port)
            current = (port, model)
            return model
        }
    }

    private func tracked<Value>(_ body: (any LanguageModel) async throws -> Value) async throws -> Value {
        let model = try await ready()
        process.requestStarted()
        defer { process.requestFinished() }
        return try await body(model)
    }

    /// A stream counts as a request in progress until it is consumed or dropped.
    private func trackedStream(_ open: (any LanguageModel) async throws -> ChatEventStream) async throws -> ChatEventStream {
        let model = try await ready()
        let activity = Activity(process: process)
        let events = try await open(model)
        let iterator = IteratorBox(events.makeAsyncIterator())
        return ChatEventStream {
            _ = activity
            return try await iterator.next()
        }
    }

    public func chat(_ request: ChatRequest) async throws -> ChatResponse { try await tracked { try await $0.chat(request) } }
    public func streamChat(_ request: ChatRequest) async throws -> ChatEventStream { try await trackedStream { try await $0.streamChat(request) } }
    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse { try await tracked { try await $0.complete(request) } }
    public func streamComplete(_ request: CompletionRequest) async throws -> ChatEventStream { try await trackedStream { try await $0.streamComplete(request) } }
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse { try await tracked { try await $0.embed(request) } }
    public func models() async throws -> [ModelInfo] { try await tracked { try await $0.models() } }
    public func countTokens(_ texts: [String], model: String) async throws -> [Int]? { try await tracked { try await $0.countTokens(texts, model: model) } }

    public var serverProcess: ServerProcessInfo { process.status }

    /// The process's server's own health when it is ready. Idle (it starts on the next request) and starting
    /// (requests wait for it) count as healthy, so health probes do not open the circuit of a backend that will
    /// answer; restarting, failed and stopped do not. Never starts an idle process.
    public func health() async -> HealthReport {
        let status = process.status
        let phase = process.phase
        let url = status.port.map { "http://127.0.0.1:\($0)" } ?? ""
        switch phase {
        case .idle, .starting:
            let detail = phase == .idle ? "idle: starts on the next request" : "starting: requests wait until it is ready"
            return HealthReport(backend: process.name, url: url, status: .healthy, probes: [HealthReport.Probe(endpoint: "process", ok: true, detail: detail)])
        case .restarting, .failed, .stopped:
            return HealthReport(
                backend: process.name, url: url, status: .unhealthy,
                error: FerryError(code: .connectionFailed, message: "Backend `\(process.name)`'s server is \(phase.rawValue)", location: ErrorLocation(backend: process.name), hint: status.lastExit ?? "see its log")
            )
        case .ready:
            break
        }
        guard let port = status.port else { return HealthReport(backend: process.name, url: url, status: .unhealthy) }
        do {
            return await (try model(on: port)).health()
        } catch {
            return HealthReport(backend: process.name, url: "http://127.0.0.1:\(port)", status: .unhealthy, error: error as? FerryError)
        }
    }

    /// Counts one request in progress for as long as it lives.
    private final class Activity: Sendable {
        let process: ManagedProcess
        init(process: ManagedProcess) {
            self.process = process
            process.requestStarted()
        }
        deinit { process.requestFinished() }
    }
}
