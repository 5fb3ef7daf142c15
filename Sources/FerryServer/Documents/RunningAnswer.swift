import FerryCore
import FerryRAG
import Synchronization

/// An answer running in its own task for a streamed response: ``start(_:_:)`` returns once the first event is in
/// hand — so that a failure before it (a missing collection, a backend that cannot answer) is still an HTTP error
/// — and ``events`` then yields every event, the first included. The buffer is bounded by the answer itself (at
/// most its max tokens); a client that leaves cancels the task.
final class RunningAnswer: Sendable {
    let events: AsyncThrowingStream<AnswerEvent, any Error>
    private let continuation: AsyncThrowingStream<AnswerEvent, any Error>.Continuation
    /// Who waits for the first event, until it comes (or the answer fails first).
    private let waiting = Mutex<CheckedContinuation<Void, any Error>?>(nil)
    /// The task answering, once started.
    private let task = Mutex<Task<Void, Never>?>(nil)

    private init() {
        (events, continuation) = AsyncThrowingStream.makeStream(of: AnswerEvent.self)
    }

    static func start(_ answerer: Answerer, _ request: AnswerRequest) async throws -> RunningAnswer {
        let running = RunningAnswer()
        // A client that leaves before the first event cancels the answer too.
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (began: CheckedContinuation<Void, any Error>) in
                running.waiting.withLock { $0 = began }
                let started = Task { await running.run(answerer, request) }
                running.task.withLock { $0 = started }
                running.continuation.onTermination = { _ in started.cancel() }
            }
        } onCancel: {
            running.task.withLock { $0 }?.cancel()
        }
        return running
    }

    private func run(_ answerer: Answerer, _ request: AnswerRequest) async {
        do {
            try await answerer.answer(request) { event in
                continuation.yield(event)
                waiting.withLock { $0.take() }?.resume()
            }
            continuation.finish()
        } catch {
            if let began = waiting.withLock({ $0.take() }) {
                began.resume(throwing: error)
                continuation.finish()
            } else {
                continuation.finish(throwing: error)
            }
        }
    }
}
