import FerryCore
import Synchronization

/// Counters a FerrySim server keeps: for `/metrics`, `/_sim/stats` and tests.
public final class SimStats: Sendable {
    public struct Snapshot: Sendable, Codable, Hashable {
        public var requests = 0
        public var running = 0
        public var completed = 0
        public var failed = 0
        public var promptTokens = 0
        public var cachedPromptTokens = 0
        public var generationTokens = 0
        public var peakRunning = 0
        /// Requests served by the Anthropic Messages and Responses endpoints of a vLLM-dialect FerrySim (which, like
        /// vLLM, serves them beside chat completions).
        public var messagesRequests = 0
        public var responsesRequests = 0
        /// Inference requests that arrived (those a fault ended included), and those that met at least one
        /// injected fault (`--fault`).
        public var inferenceRequests = 0
        public var faultedRequests = 0
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func received() { state.withLock { $0.requests += 1 } }

    func admitted(faulted: Bool) {
        state.withLock {
            $0.inferenceRequests += 1
            if faulted { $0.faultedRequests += 1 }
        }
    }

    func received(_ api: NativeRequest.API) {
        state.withLock {
            switch api {
            case .messages: $0.messagesRequests += 1
            case .responses: $0.responsesRequests += 1
            }
        }
    }

    func started() {
        state.withLock {
            $0.running += 1
            $0.peakRunning = max($0.peakRunning, $0.running)
        }
    }

    func finished(prompt: Int, cached: Int, generated: Int, failed: Bool) {
        state.withLock {
            $0.running -= 1
            if failed { $0.failed += 1 } else { $0.completed += 1 }
            $0.promptTokens += prompt
            $0.cachedPromptTokens += cached
            $0.generationTokens += generated
        }
    }

    /// Starts counting afresh (running requests stay counted).
    public func reset() {
        state.withLock { $0 = Snapshot(running: $0.running, peakRunning: $0.running) }
    }
}
