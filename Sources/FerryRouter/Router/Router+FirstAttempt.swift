import FerryCore
import Synchronization

/// A first attempt made by a caller that sends the request itself (the gateway's inline path, which stays on one
/// event loop): the backend picked and its slot taken exactly as the retry loop would, so circuits, in-flight
/// counts, TTFT averages and metrics see it like any other attempt.
///
/// ```swift
/// guard let attempt = router.firstAttempt(for: chat) else { return try await router.routedChat(chat) }
/// // … send attempt.request to attempt.backend …
/// router.answered(attempt, after: elapsed)
/// router.finished(attempt, usage: answer.usage)
/// // or, when it failed before anything reached the client:
/// if let prior = router.failed(attempt, error) { try await router.routedChat(chat, after: prior) }
/// ```
///
/// It ends exactly once — finished, failed, broken or abandoned — and its backend's slot is released then; any
/// later end is ignored (it neither releases the slot again nor counts again).
public final class FirstAttempt: Sendable {
    public let route: Route
    public let backend: RouteBackend
    /// The request as this backend receives it: its model name and default sampling.
    public let request: ChatRequest
    /// The backend's state, found once: the attempt's later steps look nothing up.
    let state: BackendState
    private let ended = Atomic<Bool>(false)

    init(route: Route, backend: RouteBackend, request: ChatRequest, state: BackendState) {
        self.route = route
        self.backend = backend
        self.request = request
        self.state = state
    }

    /// `answer` named as the router names the answers of its own attempts.
    public func named(_ answer: ChatResponse) -> ChatResponse { backend.named(answer, for: request) }

    /// Whether the attempt has ended.
    public var hasEnded: Bool { ended.load(ordering: .relaxed) }

    /// Marks the attempt ended; true the first time only.
    func end() -> Bool {
        ended.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
    }
}

/// A first attempt that failed in a way another attempt may fix; ``Router/routedChat(_:after:)`` and
/// ``Router/routedStreamChat(_:after:)`` go on from it (the backend counts as tried, the time as spent).
public struct PriorAttempt: Sendable {
    public let backend: String
    public let error: FerryError
    public let elapsed: Duration
}

extension Router {
    /// Picks the backend for `request`'s first attempt and takes its slot; nil when the route is unknown or no
    /// backend is available now (the retry loop then says why).
    public func firstAttempt(for request: ChatRequest) -> FirstAttempt? {
        guard let route = try? route(for: request.model) else { return nil }
        let counter = requestNumber(on: route)
        guard let (backend, state) = pick(route, counter: counter, prefixKey: PrefixKey(of: request), tried: [], excluded: []),
              state.begin(now: clock.now()) else { return nil }
        state.countAttempt(route: route.name)
        return FirstAttempt(route: route, backend: backend, request: backend.prepare(request), state: state)
    }

    /// The attempt's answer (or a stream's first event) came after `elapsed`: folded into the backend's TTFT.
    public func answered(_ attempt: FirstAttempt, after elapsed: Duration) {
        attempt.state.recordTTFT(elapsed, now: clock.now())
    }

    /// The attempt ended well (a whole answer, or a stream's finish): the slot is released, the tokens counted.
    public func finished(_ attempt: FirstAttempt, usage: Usage?) {
        guard attempt.end() else { return }
        attempt.state.end(.success, now: clock.now())
        attempt.state.countTokens(usage)
    }

    /// The attempt failed before anything reached the client: the slot is released and the failure counted. Returns
    /// what the retry loop needs to go on when another attempt may fix it; nil when the error is the answer.
    public func failed(_ attempt: FirstAttempt, _ error: FerryError, after elapsed: Duration) -> PriorAttempt? {
        guard attempt.end() else { return nil }
        let located = error.located(ErrorLocation(backend: attempt.backend.name))
        guard endFailed(attempt.state, error) else { return nil }
        return PriorAttempt(backend: attempt.backend.name, error: located, elapsed: elapsed)
    }

    /// The attempt failed after its commit point (a stream cut short, or cancelled by the client): the slot is
    /// released; a cancellation says nothing about the backend.
    public func broken(_ attempt: FirstAttempt, _ error: FerryError) {
        guard attempt.end() else { return }
        attempt.state.end(error.code == .cancelled ? .neutral : .failure, now: clock.now())
    }

    /// The attempt was not made after all (the backend cannot be reached this way, or the client left before it
    /// was sent): the slot is released, nothing is counted against the backend.
    public func abandoned(_ attempt: FirstAttempt) {
        guard attempt.end() else { return }
        attempt.state.end(.neutral, now: clock.now())
    }

    /// The error that ends the attempt's stream when its backend went quiet for the route's idle timeout.
    public func idleTimeout(of attempt: FirstAttempt) -> FerryError {
        CommittedStream.idleTimeout(attempt.route.timeouts.idle, backend: attempt.backend.name)
    }

    /// The error of an attempt that ran out of time before `what` (`"the answer"`, `"the first event"`) came.
    public func timeout(of attempt: FirstAttempt, limit: Duration, what: String) -> FerryError {
        Self.timeout(limit, what: what, backend: attempt.backend)
    }
}
