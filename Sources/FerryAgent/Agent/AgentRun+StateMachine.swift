import FerryCore

extension AgentRun {
    /// The life of one agent run, without its I/O: ask the model, run the calls it makes (all of them before asking
    /// again), finish on an answer; fail past the step limit or the deadline. Each event returns what the runner
    /// must do, and the runner does only that.
    ///
    /// ```
    ///  idle ─start─▶ asking(1) ─answered: calls─▶ callingTools(1, results) ─last result─▶ asking(2) ─ … ─answered: text─▶ finished
    ///                   │ unreadable (≤ 2 times): asking(step + 1), told why   │ timedOut          calls at maxSteps, deadline ─▶ failed
    /// ```
    struct StateMachine {
        enum State {
            case idle
            case asking(step: Int)
            case callingTools(step: Int, results: [ToolResult?])
            case finished
            case failed
        }

        enum Action: Equatable {
            /// Ask the model (turn `step`).
            case ask(step: Int)
            /// Run these calls, each reported back with ``toolFinished(_:_:)``.
            case callTools([ToolCall])
            /// Ask again, after telling the model why its reply could not be read.
            case askAgain(step: Int, because: String)
            /// The run's answer.
            case finish(String)
            case fail(Failure)
            case none
        }

        enum Failure: Equatable {
            case stepLimit(Int)
            case unreadable(String)
            case timedOut
        }

        private(set) var state = State.idle
        let maxSteps: Int
        /// Replies that could not be read, asked again so far (at most two).
        private var repairs = 0

        init(maxSteps: Int) {
            self.maxSteps = max(1, maxSteps)
        }

        mutating func start() -> Action {
            guard case .idle = state else { preconditionFailure("AgentRun: started twice") }
            state = .asking(step: 1)
            return .ask(step: 1)
        }

        /// The model answered turn `step`.
        mutating func answered(_ message: ChatMessage) -> Action {
            guard case .asking(let step) = state else { return .none }
            if message.toolCalls.isEmpty {
                state = .finished
                return .finish(message.text)
            }
            if step >= maxSteps {
                state = .failed
                return .fail(.stepLimit(maxSteps))
            }
            state = .callingTools(step: step, results: Array(repeating: nil, count: message.toolCalls.count))
            return .callTools(message.toolCalls)
        }

        /// The model's reply could not be read (a prompted action that did not parse).
        mutating func unreadable(_ reason: String) -> Action {
            guard case .asking(let step) = state else { return .none }
            if repairs >= 2 || step >= maxSteps {
                state = .failed
                return .fail(.unreadable(reason))
            }
            repairs += 1
            state = .asking(step: step + 1)
            return .askAgain(step: step + 1, because: reason)
        }

        /// Call `index` of the turn's calls finished.
        mutating func toolFinished(_ index: Int, _ result: ToolResult) -> Action {
            guard case .callingTools(let step, var results) = state, results.indices.contains(index), results[index] == nil else { return .none }
            results[index] = result
            if results.contains(where: { $0 == nil }) {
                state = .callingTools(step: step, results: results)
                return .none
            }
            state = .asking(step: step + 1)
            return .ask(step: step + 1)
        }

        /// The run's deadline passed.
        mutating func timedOut() -> Action {
            switch state {
            case .finished, .failed: return .none
            default:
                state = .failed
                return .fail(.timedOut)
            }
        }
    }
}
