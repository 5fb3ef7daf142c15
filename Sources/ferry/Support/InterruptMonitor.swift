import Synchronization
import UnixSignals

/// Ctrl-C in an interactive session: stops the answer being written when there is one; at the prompt, a
/// second Ctrl-C in a row ends the session.
final class InterruptMonitor: Sendable {
    private struct State {
        var answer: Task<Void, Never>?
        var pressedAtPrompt = false
    }

    private let state = Mutex(State())
    private let onQuit: @Sendable () -> Void
    private let onHint: @Sendable () -> Void

    /// `onHint` runs on a first Ctrl-C at the prompt, `onQuit` on the second.
    init(onHint: @escaping @Sendable () -> Void, onQuit: @escaping @Sendable () -> Void) {
        self.onHint = onHint
        self.onQuit = onQuit
    }

    /// Traps SIGINT for the life of the returned task.
    func start() async -> Task<Void, Never> {
        let signals = await UnixSignalsSequence(trapping: .sigint)
        return Task {
            for await _ in signals {
                let action: Int = state.withLock { state in
                    if let answer = state.answer {
                        answer.cancel()
                        return 0
                    }
                    defer { state.pressedAtPrompt = true }
                    return state.pressedAtPrompt ? 2 : 1
                }
                if action == 1 { onHint() }
                if action == 2 { onQuit() }
            }
        }
    }

    /// Runs `body` as the answer Ctrl-C stops.
    func answering(_ body: @escaping @Sendable () async -> Void) async {
        let task = Task { await body() }
        state.withLock { state in
            state.answer = task
            state.pressedAtPrompt = false
        }
        await task.value
        state.withLock { $0.answer = nil }
    }

    /// A line was typed: the next Ctrl-C at the prompt is a first one again.
    func lineEntered() {
        state.withLock { $0.pressedAtPrompt = false }
    }
}
