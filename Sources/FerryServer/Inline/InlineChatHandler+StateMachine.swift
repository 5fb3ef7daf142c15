import NIOCore
import NIOHTTP1

extension InlineChatHandler {
    /// The life of one connection on the inline path, without its I/O: which requests it reads itself, which it
    /// passes on to the routes, the inline request in flight, and what waits for it. Each event returns what the
    /// handler must do, and the handler does only that. The exchange in flight is held as `AnyObject`, so that tests
    /// drive the machine without sockets — not as a generic parameter: a generic machine's state is copied through
    /// runtime metadata and value witnesses on every event (≈ 4k instructions per answer, measured).
    ///
    /// ```
    ///          head, inline          end → serve         served
    ///   idle ──────────────▶ reading ──────────▶ idle ─────────▶ serving ── answered ──▶ idle (replay what was held)
    ///    │ head, routes         │ body too large   │ notServed      │ handedOver             └─▶ closing (Connection:
    ///    ▼                      ▼                  ▼                ▼                              close, or shutdown)
    ///  passing ◀────────────────┴──────────────────┴────────────────┘
    ///    │ end
    ///    ▼
    ///   idle
    /// ```
    ///
    /// A request answered at once, without an exchange (a cache hit), goes from `idle` to `idle` through
    /// ``answeredAtOnce(closing:)``, replaying what was held as after `answered`, or to `closing`.
    ///
    /// One request at a time, in order: parts that arrive while a request is served are held and replayed when it
    /// ends (pipelining), and the read after them waits; while a request passed on to the routes is unanswered,
    /// later ones pass on too. Shutdown (quiesce) and the client's half-closure that arrive while the inline path
    /// has a request are held with it: delivered to the routes with the request when it is handed over, or acted
    /// on once the answer is out.
    struct StateMachine {
        typealias Exchange = AnyObject

        /// Requests passed on to the routes: how many are unanswered, and the token of a first attempt filed for
        /// the last of them (``PriorAttempts``), dropped once that one is answered.
        struct Routes: Equatable {
            var unanswered: Int
            var filed: UInt64?

            static var none: Routes { Routes(unanswered: 0, filed: nil) }
        }

        /// What came while the inline path had a request, for when it is over. Outside `serving` it holds what is
        /// left of a replay.
        struct Held {
            /// Parts of later requests (pipelining), replayed in order: at most what one read brought (reads stop
            /// while parts are held). An array, not a `CircularBuffer`: an empty one costs nothing to make or copy,
            /// and every state carries one.
            var parts: [HTTPServerRequestPart] = []
            /// A read asked for while parts were held, done after the replay.
            var read = false
            /// The server is shutting down: close after the answer, or tell the routes with the request.
            var quiesce = false
            /// The client closed its side: close after the answer, or tell the routes with the request.
            var inputClosed = false
        }

        enum State {
            /// Between requests; the routes may still be answering earlier ones.
            case idle(Routes, Held)
            /// Reading a request it may serve; the body so far is kept whole so that the routes can still get it.
            case reading(InlineChatRequest, Held)
            /// Passing the current request's parts on to the routes.
            case passing(Routes, Held)
            /// An inline request in flight.
            case serving(Exchange, Held)
            /// Closing once what was written is out; nothing more is read or served.
            case closing
            /// The connection is gone.
            case closed
            /// Transient, while a state's data is changed in place (a request's body is not copied).
            case modifying
        }

        private(set) var state = State.idle(.none, Held())

        /// Whether nothing is owed on the connection — no answer being written here, none awaited from the routes —
        /// so that a client silent for the idle timeout has nothing to wait for: an idle keep-alive, or a request
        /// stalled half-way through its body.
        var owesNothing: Bool {
            switch state {
            case .idle(let routes, _): routes.unanswered == 0
            case .reading: true
            case .passing, .serving, .closing, .closed, .modifying: false
            }
        }
        /// Whether a request's body is still arriving, read here or passed on to the routes (`server.body_timeout`
        /// applies).
        var readingBody: Bool {
            switch state {
            case .reading, .passing: true
            case .idle, .serving, .closing, .closed, .modifying: false
            }
        }

        /// Larger bodies are handed to the routes, which answer 413 in the client's dialect.
        let maxBodyBytes: Int

        init(maxBodyBytes: Int) {
            self.maxBodyBytes = maxBodyBytes
        }

        /// What the handler gives the routes when it hands a request over, and what they must hear with it.
        struct HandOver {
            /// The request as read so far.
            var request: InlineChatRequest
            /// The token of the first attempt filed for the routes, for the request's head (nil: none was made).
            var token: UInt64?
            /// The request's end follows its body (false: the rest of the body is still to come).
            var endsRequest: Bool
            /// Shutdown or the client's half-closure came while the inline path had the request: the routes hear
            /// them now, after it.
            var quiesce: Bool
            var inputClosed: Bool
        }

        enum ReceiveAction {
            /// Nothing to do now (the part was kept).
            case none
            /// Pass the part on to the routes.
            case passOn(HTTPServerRequestPart)
            /// The request is read: serve it, then tell ``served(_:)`` or ``notServed(_:)``.
            case serve(InlineChatRequest)
            /// The body outgrew the limit: hand the request over, then pass `then` on.
            case handOver(HandOver, then: HTTPServerRequestPart)
            /// Nothing left to do for the connection (it closes or is gone).
            case drop
        }

        // MARK: Reading

        /// A request's head arrived; `dialect` is set when the inline path may serve it (nil: the routes answer).
        mutating func receivedHead(_ head: HTTPRequestHead, inline dialect: GatewayDialect?, allocator: ByteBufferAllocator, now: ContinuousClock.Instant) -> ReceiveAction {
            switch state {
            case .idle(var routes, let held):
                if routes.unanswered == 0, let dialect {
                    state = .reading(InlineChatRequest(head: head, body: allocator.buffer(capacity: 0), dialect: dialect, received: now), held)
                    return .none
                }
                routes.unanswered += 1
                state = .passing(routes, held)
                return .passOn(.head(head))
            case .serving:
                changeHeld { $0.parts.append(.head(head)) }
                return .none
            case .closing, .closed:
                return .drop
            case .reading, .passing, .modifying:
                preconditionFailure("InlineChatHandler: a request head arrived in state \(state.name)")
            }
        }

        /// A part of a request's body arrived.
        mutating func receivedBody(_ chunk: inout ByteBuffer) -> ReceiveAction {
            switch state {
            case .reading(var request, let held):
                if request.body.readableBytes + chunk.readableBytes > maxBodyBytes {
                    return .handOver(handOver(request, token: nil, endsRequest: false, held: held), then: .body(chunk))
                }
                state = .modifying
                request.body.writeBuffer(&chunk)
                state = .reading(request, held)
                return .none
            case .passing:
                return .passOn(.body(chunk))
            case .serving:
                changeHeld { $0.parts.append(.body(chunk)) }
                return .none
            case .closing, .closed:
                return .drop
            case .idle, .modifying:
                preconditionFailure("InlineChatHandler: a request body arrived in state \(state.name)")
            }
        }

        /// A request's end arrived.
        mutating func receivedEnd(_ trailers: HTTPHeaders?) -> ReceiveAction {
            switch state {
            case .reading(let request, let held):
                state = .idle(.none, held)
                return .serve(request)
            case .passing(let routes, let held):
                state = .idle(routes, held)
                return .passOn(.end(trailers))
            case .serving:
                changeHeld { $0.parts.append(.end(trailers)) }
                return .none
            case .closing, .closed:
                return .drop
            case .idle, .modifying:
                preconditionFailure("InlineChatHandler: a request end arrived in state \(state.name)")
            }
        }

        // MARK: Serving

        /// The request of the last ``ReceiveAction/serve(_:)`` is in flight as `exchange`.
        mutating func served(_ exchange: Exchange) {
            guard case .idle(let routes, let held) = state, routes == .none else {
                preconditionFailure("InlineChatHandler: an exchange started in state \(state.name)")
            }
            state = .serving(exchange, held)
        }

        /// The request of the last ``ReceiveAction/serve(_:)`` was answered at once, without an exchange (a cache
        /// hit); `closing`: the client asked for the connection to close after it. Then as ``answered(closing:)``.
        mutating func answeredAtOnce(closing: Bool) -> EndAction {
            guard case .idle(let routes, let held) = state, routes == .none else {
                preconditionFailure("InlineChatHandler: a request was answered at once in state \(state.name)")
            }
            if closing || held.quiesce {
                state = .closing
                return .closeAfterWrites
            }
            return .replay
        }

        /// The request of the last ``ReceiveAction/serve(_:)`` cannot be served inline: the routes get it.
        mutating func notServed(_ request: InlineChatRequest) -> HandOver {
            guard case .idle(let routes, let held) = state, routes == .none else {
                preconditionFailure("InlineChatHandler: a request was refused in state \(state.name)")
            }
            return handOver(request, token: nil, endsRequest: true, held: held)
        }

        enum EndAction {
            /// Replay what was held: ``nextReplayed()`` until nil, then ``replayed()``.
            case replay
            /// Close the connection once what was written is out.
            case closeAfterWrites
            /// Nothing (the connection is gone).
            case none
        }

        /// The exchange in flight answered; `closing`: the client asked for the connection to close after it.
        mutating func answered(closing: Bool) -> EndAction {
            switch state {
            case .serving(_, let held):
                if closing || held.quiesce {
                    state = .closing
                    return .closeAfterWrites
                }
                state = .idle(.none, held)
                return .replay
            case .closed:
                return .none
            case .idle, .reading, .passing, .closing, .modifying:
                preconditionFailure("InlineChatHandler: an exchange answered in state \(state.name)")
            }
        }

        /// The exchange in flight failed before anything reached the client, in a way another attempt may fix: the
        /// routes get its request with the attempt filed under `token`. Then replay, as after ``answered(closing:)``.
        mutating func handedOver(_ request: InlineChatRequest, token: UInt64?) -> HandOver? {
            switch state {
            case .serving(_, let held):
                return handOver(request, token: token, endsRequest: true, held: held)
            case .closed:
                return nil
            case .idle, .reading, .passing, .closing, .modifying:
                preconditionFailure("InlineChatHandler: an exchange handed over in state \(state.name)")
            }
        }

        private mutating func handOver(_ request: InlineChatRequest, token: UInt64?, endsRequest: Bool, held: Held) -> HandOver {
            var rest = held
            rest.quiesce = false
            rest.inputClosed = false
            let routes = Routes(unanswered: 1, filed: token)
            state = endsRequest ? .idle(routes, rest) : .passing(routes, rest)
            return HandOver(request: request, token: token, endsRequest: endsRequest, quiesce: held.quiesce, inputClosed: held.inputClosed)
        }

        /// The next held part to replay; nil when none is left, or while a replayed request is served (the rest
        /// waits for it).
        mutating func nextReplayed() -> HTTPServerRequestPart? {
            if case .serving = state { return nil }
            return changeHeld { $0.parts.isEmpty ? nil : $0.parts.removeFirst() } ?? nil
        }

        enum ReplayedAction {
            /// Nothing more to do.
            case none
            /// Ask for the next read, held back while parts were held.
            case read
            /// The routes get the client's half-closure (they close after their answers); then a read if `read`.
            case passInputClosed(read: Bool)
            /// Close the connection once what was written is out.
            case closeAfterWrites
        }

        /// The replay after an exchange is over: acts on the read and the half-closure that were held with it. A
        /// replayed request served inline keeps them until it is over in turn.
        mutating func replayed() -> ReplayedAction {
            // After a half-closure nothing more will come: the routes hear it when they have requests to answer
            // (they close after their answers); otherwise the connection closes — a request half read never
            // completes.
            let routesAnswer: Bool
            switch state {
            case .serving, .closing, .closed: return .none
            case .passing: routesAnswer = true
            case .idle(let routes, _): routesAnswer = routes.unanswered > 0
            case .reading: routesAnswer = false
            case .modifying: preconditionFailure("InlineChatHandler: a replay ended in state \(state.name)")
            }
            let (read, inputClosed) = changeHeld { held in
                defer { (held.read, held.inputClosed) = (false, false) }
                return (held.read, held.inputClosed)
            } ?? (false, false)
            guard inputClosed else { return read ? .read : .none }
            guard routesAnswer else {
                state = .closing
                return .closeAfterWrites
            }
            return .passInputClosed(read: read)
        }

        // MARK: The routes' side

        /// The routes wrote the end of an answer; a filed token is to be dropped once they answered its request.
        /// An answer to a request neither path was given is NIO's error handler answering bytes that did not decode
        /// as a request (400, or 431 for huge headers) before it closes the connection: nothing to count, and nothing
        /// more is taken on this connection.
        mutating func routesAnswered() -> UInt64? {
            switch state {
            case .idle(let routes, _) where routes.unanswered == 0:
                state = .closing
                return nil
            case .idle(var routes, let held), .passing(var routes, let held):
                routes.unanswered -= 1
                var dropped: UInt64?
                if routes.unanswered == 0 { swap(&dropped, &routes.filed) }
                if case .idle = state { state = .idle(routes, held) } else { state = .passing(routes, held) }
                return dropped
            case .closing, .closed:
                return nil
            case .reading, .serving:
                // The same error handler, on bytes that broke off the request being read or followed the one being
                // served: the connection closes; the exchange, if any, ends as when a client leaves.
                return nil
            case .modifying:
                preconditionFailure("InlineChatHandler: the routes answered in state \(state.name)")
            }
        }

        // MARK: Connection events

        /// The handler is asked to read: false while a pipelining client's parts are held (the read waits too).
        mutating func readRequested() -> Bool {
            guard case .serving(_, let held) = state, !held.parts.isEmpty else { return true }
            changeHeld { $0.read = true }
            return false
        }

        /// The server is shutting down; true: pass the event on now (Hummingbird closes idle connections at once).
        mutating func quiesce() -> Bool {
            switch state {
            case .reading, .serving:
                changeHeld { $0.quiesce = true }
                return false
            case .idle, .passing, .closing, .closed, .modifying:
                return true
            }
        }

        /// The client closed its side; true: pass the event on now. While serving, it waits for the answer.
        mutating func inputClosed() -> Bool {
            guard case .serving = state else { return true }
            changeHeld { $0.inputClosed = true }
            return false
        }

        /// Changes what is held, in place (a request's body is not copied); nil in a state that holds nothing.
        @discardableResult
        private mutating func changeHeld<Result>(_ change: (inout Held) -> Result) -> Result? {
            switch state {
            case .idle(let routes, var held):
                state = .modifying
                defer { state = .idle(routes, held) }
                return change(&held)
            case .reading(let request, var held):
                state = .modifying
                defer { state = .reading(request, held) }
                return change(&held)
            case .passing(let routes, var held):
                state = .modifying
                defer { state = .passing(routes, held) }
                return change(&held)
            case .serving(let exchange, var held):
                state = .modifying
                defer { state = .serving(exchange, held) }
                return change(&held)
            case .closing, .closed, .modifying:
                return nil
            }
        }

        /// The connection is gone: the exchange in flight to tell, and a filed token to drop.
        mutating func closed() -> (exchange: Exchange?, filed: UInt64?) {
            defer { state = .closed }
            switch state {
            case .serving(let exchange, _): return (exchange, nil)
            case .idle(let routes, _), .passing(let routes, _): return (nil, routes.filed)
            case .reading, .closing, .closed, .modifying: return (nil, nil)
            }
        }

        /// The exchange in flight, if any.
        var exchange: Exchange? {
            if case .serving(let exchange, _) = state { return exchange }
            return nil
        }
    }
}

extension InlineChatHandler.StateMachine.State {
    /// The state's name, for a failed precondition's message and tests.
    var name: String {
        switch self {
        case .idle(let routes, _): "idle(unanswered: \(routes.unanswered))"
        case .reading: "reading"
        case .passing(let routes, _): "passing(unanswered: \(routes.unanswered))"
        case .serving: "serving"
        case .closing: "closing"
        case .closed: "closed"
        case .modifying: "modifying"
        }
    }
}
