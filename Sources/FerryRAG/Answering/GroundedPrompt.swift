import FerryCore

/// The prompts of answering: the grounded answer (numbered sources, answer only from them, say so when they do
/// not hold the answer, the question's language), the standalone rewrite of a follow-up, and the summary of older
/// turns.
///
/// ```swift
/// let messages = GroundedPrompt.answer(question: "ما هي عاصمة مصر؟", sources: sources, summary: nil, history: [])
/// ```
public enum GroundedPrompt {
    /// The system message's rules, followed by the sources.
    static func rules(_ language: QuestionLanguage) -> String {
        """
        Answer the question using only the numbered sources below.
        - Use only facts stated in the sources, not what you know otherwise.
        - Cite each source you use with its number in square brackets, like [1] or [1][3], after the sentence that uses it.
        - If the sources do not contain the answer, say plainly that the documents do not contain it. Do not guess.
        - \(language.instruction)
        """
    }

    /// The messages of a grounded answer: the rules and sources, the summary of older turns, the recent turns,
    /// the question.
    public static func answer(question: String, sources: [AnswerSource], summary: String?, history: [ChatMessage]) -> [ChatMessage] {
        let language = QuestionLanguage.detect(question)
        var system = rules(language) + "\n\nSources:\n"
        for source in sources {
            system += "\n[\(source.n)] \(source.place)\n\(source.text)\n"
        }
        if let summary, !summary.isEmpty {
            system += "\nEarlier in this conversation: \(summary)\n"
        }
        return [.system(system)] + history + [.user(question)]
    }

    /// Asks for the last question as a standalone search query.
    public static func rewrite(question: String, summary: String?, history: [ChatMessage]) -> [ChatMessage] {
        var conversation = ""
        if let summary, !summary.isEmpty { conversation += "Summary: \(summary)\n" }
        for message in history {
            conversation += (message.role == .user ? "User: " : "Assistant: ") + Self.clipped(message.text, to: 600) + "\n"
        }
        return [
            .system("Rewrite the user's last question as one standalone search query that names what it refers to in the conversation. Keep the question's language. Reply with the query only."),
            .user("Conversation:\n\(conversation)\nLast question: \(question)\n\nStandalone query:"),
        ]
    }

    /// The model's rewrite, cleaned: its first line without quotes or a `Query:` label; nil when nothing usable
    /// is left (the question is then searched as asked).
    public static func parseRewrite(_ text: String) -> String? {
        guard var line = text.split(whereSeparator: \.isNewline).map({ String($0).trimmingWhitespace() }).first(where: { !$0.isEmpty }) else { return nil }
        let quotes = "\"'“”«»`"
        line = line.trimmingCharacters(in: quotes)
        for label in ["standalone query:", "query:", "question:"] where line.lowercased().hasPrefix(label) {
            line = String(line.dropFirst(label.count)).trimmingWhitespace()
        }
        line = line.trimmingCharacters(in: quotes).trimmingWhitespace()
        guard line.count >= 2, line.count <= 400 else { return nil }
        return line
    }

    /// Asks for a summary of older turns (with the summary so far).
    public static func summarize(previous: String?, turns: [ConversationTurn]) -> [ChatMessage] {
        var text = ""
        if let previous, !previous.isEmpty { text += "Summary so far: \(previous)\n\n" }
        for turn in turns {
            text += "User: \(Self.clipped(turn.question, to: 600))\nAssistant: \(Self.clipped(turn.answer, to: 1200))\n"
        }
        return [
            .system("Summarise this conversation in at most five sentences. Keep names, numbers, and what was asked and answered. Reply with the summary only."),
            .user(text),
        ]
    }

    /// The turns as chat messages.
    static func messages(_ turns: [ConversationTurn]) -> [ChatMessage] {
        turns.flatMap { [ChatMessage.user($0.question), ChatMessage.assistant($0.answer)] }
    }

    static func clipped(_ text: String, to characters: Int) -> String {
        text.count <= characters ? text : String(text.prefix(characters)) + "…"
    }
}

extension String {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
