import FerryCore

/// A stream past its commit point: the first event is in hand, the rest come from the backend with an idle
/// deadline between events. Whatever goes wrong now ends the stream with one in-band `.error` — it can no longer
/// be retried — and the backend's slot is released exactly once, with the outcome for its circuit breaker.
struct CommittedStream: Sendable {
    let first: ChatEvent
    let events: IteratorBox

    func events(
        idle: Duration,
        clock: any RouterClock,
        backend: String,
        finished: @escaping @Sendable (BackendState.Outcome, Usage?) -> Void
    ) -> ChatEventStream {
        let state = State(first: first, events: events, finished: finished)
        return ChatEventStream(unfolding: { await state.next(idle: idle, clock: clock, backend: backend) })
    }

    /// The error that ends a stream whose backend went quiet for `idle`.
    static func idleTimeout(_ idle: Duration, backend: String) -> FerryError {
        FerryError(
            code: .timeout, message: "Backend \"\(backend)\" sent nothing for \(idle) in the middle of a stream",
            location: ErrorLocation(backend: backend), hint: "the backend may be stuck or overloaded; raise the idle timeout if its pauses are expected"
        )
    }

    private final class State: @unchecked Sendable {
        private var pending: ChatEvent?
        private let events: IteratorBox
        private var finished: (@Sendable (BackendState.Outcome, Usage?) -> Void)?
        private var ended = false

        init(first: ChatEvent, events: IteratorBox, finished: @escaping @Sendable (BackendState.Outcome, Usage?) -> Void) {
            pending = first
            self.events = events
            self.finished = finished
        }

        deinit {
            // The caller stopped reading: nothing to blame the backend for.
            finish(.neutral)
        }

        func next(idle: Duration, clock: any RouterClock, backend: String) async -> ChatEvent? {
            guard !ended else { return nil }
            let event: ChatEvent
            if let first = pending {
                pending = nil
                event = first
            } else {
                event = await nextWithin(idle, clock: clock, backend: backend)
            }
            switch event {
            case .finish(let end):
                ended = true
                finish(.success, usage: end.usage)
            case .error(let error):
                ended = true
                finish(error.code == .cancelled ? .neutral : .failure)
            default:
                break
            }
            return event
        }

        private func nextWithin(_ idle: Duration, clock: any RouterClock, backend: String) async -> ChatEvent {
            let events = self.events
            do {
                guard let next = try await clock.run(within: idle, { try await events.next() }) else { throw CommittedStream.idleTimeout(idle, backend: backend) }
                return next ?? .error(.streamInterrupted("the stream ended without a finish event", location: ErrorLocation(backend: backend)))
            } catch let error as FerryError {
                return .error(error.located(ErrorLocation(backend: backend)))
            } catch is CancellationError {
                return .error(FerryError(code: .cancelled, message: "The stream was cancelled", location: ErrorLocation(backend: backend), hint: "nothing to do: the caller gave up"))
            } catch {
                return .error(.streamInterrupted("\(error)", location: ErrorLocation(backend: backend)))
            }
        }

        private func finish(_ outcome: BackendState.Outcome, usage: Usage? = nil) {
            guard let finished else { return }
            self.finished = nil
            finished(outcome, usage)
        }
    }
}
