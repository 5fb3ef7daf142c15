import FerryCore

/// What of a conversation goes into a prompt: the summary of older turns, and the recent turns that fit the
/// budget word for word. When turns that are not summarised yet no longer fit, the oldest of them are to be
/// folded into the summary.
///
/// ```swift
/// let memory = ConversationMemory(budget: 600)
/// let plan = memory.plan(conversation)
/// if !plan.toSummarize.isEmpty { /* ask the model for a new summary */ }
/// ```
public struct ConversationMemory: Sendable, Hashable {
    /// Tokens of turns kept word for word (estimated).
    public var budget: Int

    public init(budget: Int) {
        self.budget = budget
    }

    public struct Plan: Sendable, Hashable {
        public var summary: String?
        /// Turns to send word for word, oldest first.
        public var kept: [ConversationTurn]
        /// Turns over the budget, to fold into the summary (oldest first); empty when all fit.
        public var toSummarize: [ConversationTurn]
    }

    /// Keeps the newest turns while they fit; the rest are for the summary. The newest turn is kept even alone
    /// over the budget (it is what a follow-up refers to).
    public func plan(_ conversation: Conversation) -> Plan {
        let recent = conversation.recentTurns
        var kept: [ConversationTurn] = []
        var used = 0
        for turn in recent.reversed() {
            let cost = Self.tokens(turn)
            if !kept.isEmpty, used + cost > budget { break }
            kept.insert(turn, at: 0)
            used += cost
        }
        let toSummarize = Array(recent.prefix(recent.count - kept.count))
        return Plan(summary: conversation.summary, kept: kept, toSummarize: toSummarize)
    }

    /// Keeps the newest messages of a client's history while they fit (nothing is summarised: the client sends it
    /// all again next time).
    public func trim(_ history: [ChatMessage]) -> [ChatMessage] {
        var kept: [ChatMessage] = []
        var used = 0
        for message in history.reversed() where message.role == .user || message.role == .assistant {
            let cost = EstimatedTokenCounter.estimate(message.text) + 4
            if !kept.isEmpty, used + cost > budget { break }
            kept.insert(message, at: 0)
            used += cost
        }
        return kept
    }

    static func tokens(_ turn: ConversationTurn) -> Int {
        EstimatedTokenCounter.estimate(turn.question) + EstimatedTokenCounter.estimate(turn.answer) + 8
    }
}
