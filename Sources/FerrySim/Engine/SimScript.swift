import FerryCore
import Synchronization

/// What a test tells FerrySim to say, and what FerrySim was asked: replies given in order to the next chats
/// (instead of generated words), and the last chat requests received, for tests that check a prompt.
///
/// ```swift
/// engine.script.enqueue(["Paris is the capital [1]."])
/// let asked = engine.script.recentRequests.last?.messages
/// ```
public final class SimScript: Sendable {
    /// How many chat requests are kept.
    public static let keptRequests = 32

    private struct State {
        var replies: [String] = []
        var requests: [ChatRequest] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Replaces the replies waiting to be given.
    public func replace(replies: [String]) {
        state.withLock { $0.replies = replies }
    }

    public var pendingReplies: [String] { state.withLock(\.replies) }

    /// The last chat requests, oldest first.
    public var recentRequests: [ChatRequest] { state.withLock(\.requests) }

    public func clearRequests() {
        state.withLock { $0.requests.removeAll() }
    }

    /// Records `request` and takes the next scripted reply, if there is one.
    func received(_ request: ChatRequest) -> String? {
        state.withLock { state in
            state.requests.append(request)
            if state.requests.count > Self.keptRequests { state.requests.removeFirst(state.requests.count - Self.keptRequests) }
            return state.replies.isEmpty ? nil : state.replies.removeFirst()
        }
    }

    /// A reply cut into tokens the way FerrySim emits words: each piece keeps its leading whitespace, so the
    /// pieces join back into the exact text.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inWord = false
        for character in text {
            if character.isWhitespace {
                if inWord {
                    tokens.append(current)
                    current = ""
                    inWord = false
                }
            } else {
                inWord = true
            }
            current.append(character)
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}
