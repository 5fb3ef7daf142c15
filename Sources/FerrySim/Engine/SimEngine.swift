import FerryCore
import FerryWire
import Foundation

/// FerrySim's inference engine: decides the answer (``SimGenerator``), then plays it out in time — waiting for a
/// slot (``SimScheduler``), charging time to first token for the uncached prompt (``PrefixCache``), then
/// emitting tokens at the configured rate.
public final class SimEngine: Sendable {
    public let configuration: SimConfiguration
    public let generator: SimGenerator
    public let scheduler: SimScheduler
    public let prefixCache: PrefixCache?
    public let embedder: SimEmbedder
    public let faults: FaultPlan
    public let stats = SimStats()
    /// Scripted replies and the recent chat requests.
    public let script = SimScript()

    public init(configuration: SimConfiguration) {
        self.configuration = configuration
        generator = SimGenerator(seed: configuration.seed, answerTokens: configuration.answerTokens)
        scheduler = SimScheduler(slots: configuration.mode == .serial ? 1 : configuration.maxConcurrency)
        prefixCache = configuration.prefixCache ? PrefixCache() : nil
        embedder = SimEmbedder(dimensions: configuration.embeddingDimensions, seed: configuration.seed)
        faults = FaultPlan(faults: configuration.faults, seed: configuration.seed)
    }

    /// One generation, decided but not yet played.
    public struct Job: Sendable {
        public var model: String
        public var promptTokens: [String]
        public var output: SimGenerator.Output
        /// Extra time to first token (the `slow-first` fault).
        public var extraDelay: Duration = .zero
        /// `chatcmpl-` for chats, `cmpl-` for completions, as vLLM names them.
        public var idPrefix = "chatcmpl-"
    }

    /// The job for a chat, generated for the served name `model` (so aliases such as `demo` and
    /// `demo:latest` get the same answer).
    public func job(chat request: ChatRequest, model: String) -> Job {
        var request = request
        request.model = model
        if let reply = script.received(request) {
            let tokens = SimScript.tokens(reply)
            return Job(model: model, promptTokens: SimTokenizer.tokens(request), output: .init(tokens: tokens, toolCalls: [], finishReason: .stop, completionTokens: tokens.count))
        }
        return Job(model: model, promptTokens: SimTokenizer.tokens(request), output: generator.chat(request))
    }

    /// The job for a legacy completion, generated for the served name `model`.
    public func job(completion request: CompletionRequest, model: String) -> Job {
        var request = request
        request.model = model
        var tokens = SimTokenizer.tokens(request.system ?? "")
        tokens.append(contentsOf: SimTokenizer.tokens(request.prompt))
        return Job(model: model, promptTokens: tokens, output: generator.complete(request), idPrefix: "cmpl-")
    }

    /// Plays a job out as timed events. Cancelling the consumer frees the slot at once.
    public func play(_ job: Job) -> ChatEventStream {
        let (stream, continuation) = ChatEventStream.makeStream(bufferingPolicy: .unbounded)
        let task = Task {
            stats.received()
            do {
                try await scheduler.acquire()
            } catch {
                continuation.finish(throwing: error)
                return
            }
            stats.started()
            var emitted = 0
            var cached = 0
            do {
                cached = prefixCache?.lookupAndInsert(job.promptTokens) ?? 0
                try await run(job, cached: cached, emitted: &emitted, continuation)
                stats.finished(prompt: job.promptTokens.count, cached: cached, generated: emitted, failed: false)
            } catch {
                stats.finished(prompt: job.promptTokens.count, cached: cached, generated: emitted, failed: true)
            }
            await scheduler.release()
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func run(_ job: Job, cached: Int, emitted: inout Int, _ continuation: ChatEventStream.Continuation) async throws {
        let clock = ContinuousClock()
        let uncached = max(0, job.promptTokens.count - cached)
        var ttft = configuration.timeToFirstToken + job.extraDelay
        if configuration.prefillTokensPerSecond > 0 {
            ttft += .nanoseconds(Int64(Double(uncached) / configuration.prefillTokensPerSecond * 1e9))
        }
        if ttft > .zero { try await clock.sleep(for: ttft) }
        let id = job.idPrefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24)
        continuation.yield(.start(StreamStart(id: String(id), model: job.model, created: Int(Date().timeIntervalSince1970))))
        let firstToken = clock.now
        let interval: Duration? = configuration.tokensPerSecond > 0 ? .nanoseconds(Int64(1e9 / configuration.tokensPerSecond)) : nil
        var step = 0
        func pace() async throws {
            if let interval, step > 0 { try await clock.sleep(until: firstToken + interval * step) }
            try Task.checkCancellation()
            step += 1
        }
        for token in job.output.tokens {
            try await pace()
            continuation.yield(.textDelta(token))
            emitted += 1
        }
        for (index, call) in job.output.toolCalls.enumerated() {
            try await pace()
            continuation.yield(.toolCallDelta(ToolCallDelta(index: index, id: call.id, name: call.name, arguments: "")))
            var rest = Substring(call.arguments)
            while !rest.isEmpty {
                try await pace()
                let piece = rest.prefix(8)
                rest = rest.dropFirst(piece.count)
                continuation.yield(.toolCallDelta(ToolCallDelta(index: index, arguments: String(piece))))
            }
        }
        if !job.output.toolCalls.isEmpty { emitted = job.output.completionTokens }
        let usage = Usage(
            promptTokens: job.promptTokens.count, completionTokens: job.output.completionTokens,
            cachedPromptTokens: prefixCache == nil ? nil : cached
        )
        continuation.yield(.finish(StreamFinish(reason: job.output.finishReason, usage: usage)))
    }

    /// The model name to answer with, when `requested` is served (Ollama names match with or without `:latest`).
    public func servedModel(_ requested: String) -> String? {
        switch configuration.dialect {
        case .ollama:
            return configuration.models.map(OllamaModelName.normalized).first { $0 == OllamaModelName.normalized(requested) }
        case .gemini:
            let bare = requested.hasPrefix("models/") ? String(requested.dropFirst(7)) : requested
            return configuration.models.first { $0 == bare }
        case .vllm, .anthropic:
            return configuration.models.first { $0 == requested }
        }
    }
}
