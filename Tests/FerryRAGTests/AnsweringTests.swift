import FerryCore
@testable import FerryRAG
import Foundation
import Testing

@Suite("Citations, prompts and languages")
struct AnsweringTextTests {
    @Test("marks are found across deltas, in lists, ranges and Arabic digits; numbers naming no source are set apart")
    func citations() {
        var scanner = CitationScanner(sourceCount: 4)
        for piece in ["Paris is the capital [", "2] and lies on the Seine [1, 3", "]. See [2-4] and [٤][9] — not [see above] or [1a]."] {
            scanner.consume(piece)
        }
        #expect(scanner.cited == [2, 1, 3, 4])
        #expect(scanner.unknown == [9])
        #expect(scanner.text.hasPrefix("Paris is the capital [2]"))

        var unfinished = CitationScanner(sourceCount: 2)
        unfinished.consume("an open bracket [ that never closes is not a mark, nor is a long [aside of many words] here [2")
        #expect(unfinished.cited.isEmpty)
        unfinished.consume("]")
        #expect(unfinished.cited == [2])

        var none = CitationScanner(sourceCount: 0)
        none.consume("nothing to cite [1]")
        #expect(none.cited.isEmpty && none.unknown == [1])
    }

    @Test("the language of a question is told by its script")
    func languages() {
        #expect(QuestionLanguage.detect("ما هي عاصمة مصر؟") == .arabic)
        #expect(QuestionLanguage.detect("What is the capital of Egypt (مصر)?") == .english)
        #expect(QuestionLanguage.detect("Какая столица Египта?") == .other)
        #expect(QuestionLanguage.detect("2 + 2?") == .other)
    }

    @Test("the grounded prompt: rules, numbered sources with their place, the summary, the turns, the question")
    func prompt() {
        let sources = [
            AnswerSource(n: 1, document: "docs/regulations.docx", section: "اللباس › اللحية", page: nil, chunkID: "a", score: 1, text: "يجب أن تكون اللحية قصيرة."),
            AnswerSource(n: 2, document: "manual.pdf", section: nil, page: 3, chunkID: "b", score: 0.5, text: "Life jackets are under the seats."),
        ]
        let messages = GroundedPrompt.answer(question: "ما هي قواعد اللحية؟", sources: sources, summary: "Asked about uniforms.", history: [.user("Hi"), .assistant("Hello")])
        #expect(messages.count == 4 && messages[1] == .user("Hi") && messages[2] == .assistant("Hello") && messages[3] == .user("ما هي قواعد اللحية؟"))
        let system = messages[0].text
        #expect(system.contains("[1] regulations.docx — اللباس › اللحية\nيجب أن تكون اللحية قصيرة."))
        #expect(system.contains("[2] manual.pdf, page 3\nLife jackets"))
        #expect(system.contains("Write the answer in Arabic") && system.contains("Do not guess") && system.contains("Earlier in this conversation: Asked about uniforms."))
        #expect(AnswerSource.listing(sources, language: .arabic) == "\n\nالمصادر:\n[1] regulations.docx — اللباس › اللحية\n[2] manual.pdf, page 3\n")
    }

    @Test("a rewrite is cleaned of labels and quotes; an empty or rambling one is refused")
    func rewrites() {
        #expect(GroundedPrompt.parseRewrite("\"Query: beard rules for officers\"\nBecause…") == "beard rules for officers")
        #expect(GroundedPrompt.parseRewrite("\n  Standalone query: «قواعد اللحية للضباط»") == "قواعد اللحية للضباط")
        #expect(GroundedPrompt.parseRewrite("   \n") == nil)
        #expect(GroundedPrompt.parseRewrite(String(repeating: "word ", count: 100)) == nil)
    }

    @Test("memory keeps the newest turns that fit and leaves the rest to summarise; a client's history is trimmed")
    func memory() {
        let turns = (1...4).map { ConversationTurn(number: $0, question: "question \($0) " + String(repeating: "word ", count: 20), answer: "answer \($0)", mode: .simple) }
        let conversation = Conversation(id: "s", collection: "c", turns: turns)
        let plan = ConversationMemory(budget: 80).plan(conversation)
        #expect(plan.kept.map(\.number) == [3, 4] && plan.toSummarize.map(\.number) == [1, 2])
        var summarised = conversation
        summarised.summary = "earlier"
        summarised.summarizedThrough = 2
        let after = ConversationMemory(budget: 80).plan(summarised)
        #expect(after.kept.map(\.number) == [3, 4] && after.toSummarize.isEmpty && after.summary == "earlier")
        #expect(ConversationMemory(budget: 1).plan(conversation).kept.map(\.number) == [4], "the newest turn is kept even alone over the budget")
        let history: [ChatMessage] = [.system("be brief"), .user(String(repeating: "long ", count: 200)), .assistant("ok"), .user("short")]
        #expect(ConversationMemory(budget: 20).trim(history) == [.assistant("ok"), .user("short")])
    }

    @Test("session ids: new ones are distinct; a client's must be short and plain")
    func sessionIDs() {
        #expect(Conversation.newID() != Conversation.newID() && Conversation.newID().hasPrefix("s_"))
        #expect(Conversation.isValidID("chat-42.user:7") && !Conversation.isValidID("") && !Conversation.isValidID("a b") && !Conversation.isValidID(String(repeating: "x", count: 129)))
    }
}

@Suite("Answering state machine")
struct AnswererStateMachineTests {
    typealias Machine = Answerer.StateMachine

    static func passage(_ text: String, cosine: Double? = nil, coverage: Double = 0, tokens: Int = 10) -> RetrievedPassage {
        RetrievedPassage(
            chunk: StoredChunk(rowID: Int64(text.count), chunkID: text, documentID: 1, document: "doc.md", title: nil, section: ["Part"], page: nil, start: 0, end: text.count, text: text),
            score: 1, cosine: cosine, coverage: coverage, tokens: tokens
        )
    }

    @Test("simple: retrieve the question, then generate from the numbered sources, then finish with the citations")
    func simple() {
        var machine = Machine(request: AnswerRequest(question: "Where?"), options: AnsweringOptions(), hasReranker: false)
        guard case .retrieve(let queries) = machine.start(conversation: nil) else { Issue.record("retrieve first"); return }
        #expect(queries == ["Where?"])
        guard case .generate(let messages, let sources, _) = machine.retrieved([Self.passage("one"), Self.passage("two")]) else { Issue.record("then generate"); return }
        #expect(sources.map(\.n) == [1, 2] && messages.first?.text.contains("[2] doc.md — Part\ntwo") == true)
        machine.generationBegan(backend: "vllm")
        guard case .none = machine.received(.start(StreamStart(id: "x", model: "m", created: 0))) else { Issue.record("start is nothing to do"); return }
        guard case .emit("Here [2") = machine.received(.textDelta("Here [2")) else { Issue.record("text is passed on"); return }
        _ = machine.received(.textDelta("]."))
        guard case .finish(let answer, let marked, let citations, let backend) = machine.received(.finish(StreamFinish(reason: .stop))) else { Issue.record("then finish"); return }
        #expect(answer == "Here [2]." && citations == [2] && marked.map(\.cited) == [false, true] && backend == "vllm")
        guard case .fail = machine.received(.textDelta("late")) else { Issue.record("nothing is accepted after the end"); return }
    }

    @Test("adaptive with a conversation: rewrite, search the rewrite and the question in context, drop what does not bear on it")
    func adaptive() {
        let conversation = Conversation(id: "s", collection: "c", turns: [ConversationTurn(number: 1, question: "What are the beard rules?", answer: "Short [1].", mode: .adaptive)])
        var machine = Machine(request: AnswerRequest(question: "and for officers?", mode: .adaptive, context: .session("s")), options: AnsweringOptions(), hasReranker: false)
        guard case .rewrite(let prompt) = machine.start(conversation: conversation) else { Issue.record("rewrite first"); return }
        #expect(prompt.last?.text.contains("User: What are the beard rules?\nAssistant: Short [1].") == true)
        guard case .retrieve(let queries) = machine.rewritten("beard rules for officers") else { Issue.record("then retrieve"); return }
        #expect(queries == ["beard rules for officers", "What are the beard rules? and for officers?"])
        guard case .generate(let messages, let sources, _) = machine.retrieved([Self.passage("Officers need approval.", cosine: 0.9), Self.passage("Hair is short.", cosine: 0.7)]) else { Issue.record("then generate"); return }
        #expect(sources.map(\.text) == ["Officers need approval."], "the passage below the relevance threshold is left out")
        #expect(messages.dropFirst().map(\.text) == ["What are the beard rules?", "Short [1].", "and for officers?"])
    }

    @Test("adaptive declines when nothing bears on the question; a failed rewrite searches the question in context")
    func declines() {
        var machine = Machine(request: AnswerRequest(question: "ما هذا؟", mode: .adaptive), options: AnsweringOptions(), hasReranker: false)
        _ = machine.start(conversation: nil)
        guard case .answerUncovered(let text, _) = machine.retrieved([Self.passage("Unrelated text.", cosine: 0.6, coverage: 0.1)]) else { Issue.record("decline"); return }
        #expect(text == QuestionLanguage.arabic.notCovered)

        var rewriting = Machine(request: AnswerRequest(question: "and then?", mode: .adaptive, context: .history([.user("First?"), .assistant("One.")])), options: AnsweringOptions(), hasReranker: false)
        guard case .rewrite = rewriting.start(conversation: nil) else { Issue.record("rewrite"); return }
        guard case .retrieve(let queries) = rewriting.rewritten(nil) else { Issue.record("retrieve"); return }
        #expect(queries == ["First? and then?"])
        var rambling = Machine(request: AnswerRequest(question: "وما هو النهر؟", mode: .adaptive, context: .history([.user("ما هي عاصمة مصر؟"), .assistant("القاهرة.")])), options: AnsweringOptions(), hasReranker: false)
        _ = rambling.start(conversation: nil)
        guard case .retrieve(let searched) = rambling.rewritten("The answer is:") else { Issue.record("retrieve"); return }
        #expect(searched == ["ما هي عاصمة مصر؟ وما هو النهر؟"], "a rewrite sharing no term with the questions is not searched")
        var empty = Machine(request: AnswerRequest(question: "x"), options: AnsweringOptions(), hasReranker: false)
        _ = empty.start(conversation: nil)
        guard case .answerUncovered = empty.retrieved([]) else { Issue.record("nothing found is not covered"); return }
    }

    @Test("over budget, older turns are summarised first; a reranker reorders before generating; sources fit their budget")
    func summariseRerankFit() {
        let turns = (1...3).map { ConversationTurn(number: $0, question: "question \($0) " + String(repeating: "word ", count: 40), answer: "answer", mode: .simple) }
        var options = AnsweringOptions()
        options.historyTokens = 60
        options.sourceTokens = 25
        var machine = Machine(request: AnswerRequest(question: "next?"), options: options, hasReranker: true)
        guard case .summarize(_, let through) = machine.start(conversation: Conversation(id: "s", collection: "c", turns: turns)) else { Issue.record("summarise"); return }
        #expect(through == 2)
        guard case .retrieve = machine.summarized("They asked three questions.") else { Issue.record("retrieve"); return }
        guard case .rerank(let query, let passages) = machine.retrieved([Self.passage("a"), Self.passage("bb"), Self.passage("ccc")]) else { Issue.record("rerank"); return }
        #expect(query == "next?" && passages.count == 3)
        guard case .generate(let messages, let sources, _) = machine.reranked([Self.passage("ccc"), Self.passage("a"), Self.passage("bb")]) else { Issue.record("generate"); return }
        #expect(sources.map(\.text) == ["ccc", "a"], "10 + 10 tokens fit 25; the third does not")
        #expect(messages[0].text.contains("Earlier in this conversation: They asked three questions.") && messages.count == 4)

        let long = Machine.fit([Self.passage(String(repeating: "x", count: 1000), tokens: 100)], budget: 25)
        #expect(long.count == 1 && long[0].text.count == 250, "a first passage over the budget is shortened, not dropped")
    }

    @Test("a failure in any step ends the answer once")
    func failure() {
        var machine = Machine(request: AnswerRequest(question: "q"), options: AnsweringOptions(), hasReranker: false)
        _ = machine.start(conversation: nil)
        guard case .fail = machine.failed(FerryError.invalidRequest("x")) else { Issue.record("fail"); return }
        guard case .none = machine.failed(FerryError.invalidRequest("y")) else { Issue.record("once"); return }
        guard case .fail = machine.retrieved([]) else { Issue.record("events after the end are refused"); return }
    }
}
