import NIOCore

extension InlineExchange {
    /// The life of one inline exchange, without its I/O: the first attempt's answer (or a stream's first event)
    /// awaited under a deadline, the stream after its commit under the idle limit, a failure before the commit
    /// being settled (handed to the routes, or answered as an error), and the end. Each event returns what the
    /// exchange must do; the end comes exactly once, so the attempt is ended and the concurrency slot released once.
    ///
    /// ```
    ///            begin                 first event (commit)
    ///   created ──────▶ awaiting ────────────────────────────▶ streaming ── finish / error / idle timeout ──▶ finished
    ///                     │ │ whole answer                        │ client left                               ▲
    ///                     │ └─────────────────────────────────────┴───────────────────────────────────────────┤
    ///                     │ error / timeout                                                                   │
    ///                     └────────────────▶ settling ── handed over, or the error answered ─────────────────┘
    /// ```
    struct StateMachine {
        enum State: Equatable {
            /// Made, not begun.
            case created
            /// The answer, or a stream's first event, is awaited until `deadline`.
            case awaiting(deadline: NIODeadline)
            /// A stream's head is out (its commit point): failures go in-band; the idle limit counts from
            /// `lastEvent`.
            case streaming(lastEvent: NIODeadline)
            /// It failed before anything reached the client; what follows (the routes go on from the attempt, or
            /// the error is the answer) is being worked out, perhaps off the loop. `clientLeft`: nobody waits.
            case settling(clientLeft: Bool)
            /// Over: nothing more is written or counted.
            case finished
        }

        private(set) var state = State.created

        /// The exchange begins at `now`; the answer (or first event) is due within `limit`: watch for it.
        mutating func begin(now: NIODeadline, limit: TimeAmount) -> NIODeadline {
            guard case .created = state else { preconditionFailure("InlineExchange: begun in state \(state)") }
            let deadline = now + limit
            state = .awaiting(deadline: deadline)
            return deadline
        }

        /// A whole answer came; true: write it, the exchange is over.
        mutating func receivedAnswer() -> Bool {
            switch state {
            case .awaiting:
                state = .finished
                return true
            case .settling, .finished:
                return false
            case .created, .streaming:
                preconditionFailure("InlineExchange: a whole answer came in state \(state)")
            }
        }

        enum EventKind {
            case content
            case finish
            case error
        }

        enum EventAction: Equatable {
            /// The exchange is over, or being settled: drop the event.
            case ignore
            /// An error came before the commit: settle it (``settled()`` follows).
            case failBeforeCommit
            /// Write the event; first commit (the head goes out) when `commit`; then end the stream when `end`.
            case write(commit: Bool, end: Bool)
        }

        /// A stream's event came at `now`.
        mutating func received(_ kind: EventKind, now: NIODeadline) -> EventAction {
            switch state {
            case .awaiting:
                switch kind {
                case .error:
                    state = .settling(clientLeft: false)
                    return .failBeforeCommit
                case .content:
                    state = .streaming(lastEvent: now)
                    return .write(commit: true, end: false)
                case .finish:
                    state = .finished
                    return .write(commit: true, end: true)
                }
            case .streaming:
                switch kind {
                case .content:
                    state = .streaming(lastEvent: now)
                    return .write(commit: false, end: false)
                case .finish, .error:
                    state = .finished
                    return .write(commit: false, end: true)
                }
            case .settling, .finished:
                return .ignore
            case .created:
                preconditionFailure("InlineExchange: an event came in state \(state)")
            }
        }

        enum TextAction {
            /// Drop it.
            case ignore
            /// Not committed yet: make it an event (``received(_:now:)``).
            case asEvent
            /// Write the text.
            case write
        }

        /// A stream's plain text came at `now`.
        mutating func receivedText(now: NIODeadline) -> TextAction {
            switch state {
            case .awaiting: return .asEvent
            case .streaming:
                state = .streaming(lastEvent: now)
                return .write
            case .settling, .finished: return .ignore
            case .created: preconditionFailure("InlineExchange: text came in state \(state)")
            }
        }

        enum FailAction {
            case ignore
            /// Nothing reached the client: settle (``settled()`` follows).
            case failBeforeCommit
            /// The stream is committed: end it with the error in-band (an error event follows).
            case breakInBand
        }

        /// The call failed.
        mutating func failed() -> FailAction {
            switch state {
            case .awaiting:
                state = .settling(clientLeft: false)
                return .failBeforeCommit
            case .streaming:
                return .breakInBand
            case .settling, .finished:
                return .ignore
            case .created:
                preconditionFailure("InlineExchange: failed in state \(state)")
            }
        }

        /// A failure before the commit is settled; true: the client still waits (answer it, or hand its request
        /// over), false: it left meanwhile.
        mutating func settled() -> Bool {
            guard case .settling(let clientLeft) = state else { preconditionFailure("InlineExchange: settled in state \(state)") }
            state = .finished
            return !clientLeft
        }

        enum LeftAction: Equatable {
            case none
            /// The attempt was not answered: abandon it.
            case abandon
            /// The stream was cut by the client: end the attempt as cancelled.
            case cancelStream
        }

        /// The client closed the connection.
        mutating func clientLeft() -> LeftAction {
            switch state {
            case .created, .awaiting:
                state = .finished
                return .abandon
            case .streaming:
                state = .finished
                return .cancelStream
            case .settling:
                state = .settling(clientLeft: true)
                return .none
            case .finished:
                return .none
            }
        }

        enum DeadlineAction: Equatable {
            case none
            /// Not yet: watch again for this deadline.
            case watch(NIODeadline)
            /// The answer (or first event) did not come in time: settle the timeout (``settled()`` follows).
            case timedOutBeforeCommit
            /// The backend went quiet past the idle limit: end the stream with the error in-band.
            case idleTimeout
        }

        /// The connection's timer fired at `now`.
        mutating func deadlineReached(now: NIODeadline, idleLimit: TimeAmount) -> DeadlineAction {
            switch state {
            case .awaiting(let deadline):
                guard now >= deadline else { return .watch(deadline) }
                state = .settling(clientLeft: false)
                return .timedOutBeforeCommit
            case .streaming(let lastEvent):
                let deadline = lastEvent + idleLimit
                return now >= deadline ? .idleTimeout : .watch(deadline)
            case .created, .settling, .finished:
                return .none
            }
        }

        /// The stream's idle deadline, after the commit.
        var idleDeadlineBase: NIODeadline? {
            if case .streaming(let lastEvent) = state { return lastEvent }
            return nil
        }

        /// Whether the exchange is over (nothing more is written).
        var isFinished: Bool { state == .finished }
    }
}
