import FerryCore
import FerryProviders
@testable import FerryRAG
import FerryRouter
import FerryServer
import FerrySim
import Foundation
import MetricsTestKit
import Synchronization
import Testing

/// The answering pipeline's plumbing over a real provider and router, against FerrySim on 127.0.0.1: what the
/// prompt holds, how citations map back, sessions, the order of events, and the errors of each step. FerrySim's
/// replies are scripted, so the assertions are on Ferry's side, not on a model's prose.
@Suite("Answers against FerrySim")
struct AnswerFerrySimTests {
    /// A store holding the Arabic and English test corpus (lexical: no embedding model), a router over one FerrySim.
    struct Rig: Sendable {
        let sim: SimServer
        let router: Router
        let store: SQLiteRAGStore
        let folder: URL

        let metrics = TestMetrics()

        func answerer(options: AnsweringOptions = AnsweringOptions(), reranker: (any Reranker)? = nil) -> Answerer {
            Answerer(retriever: Retriever(store: store, embedder: nil), model: .routed(router, route: "default"), reranker: reranker, options: options, metrics: metrics)
        }

        func answers(_ mode: QueryMode, _ outcome: String) -> Int64 {
            (try? metrics.expectCounter("ferry_answers_total", [("mode", mode.rawValue), ("outcome", outcome)]).totalValue) ?? 0
        }

        /// The messages of the chats FerrySim received, oldest first.
        var asked: [[ChatMessage]] { sim.engine.script.recentRequests.map(\.messages) }

        func reply(_ replies: String...) {
            sim.engine.script.replace(replies: replies)
        }
    }

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("FerryRAGTests/Answers")

    func withRig(faults: [String] = [], _ body: @Sendable (Rig) async throws -> Void) async throws {
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.faults = try faults.map { try FaultSpec(parsing: $0) }
        let sim = SimServer(configuration: configuration)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-answers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteRAGStore(path: folder.appendingPathComponent("rag.sqlite").path)
        let summary = try await Ingestor(store: store, embedder: nil).ingest([.path(Self.corpus.path)], options: IngestOptions(collection: "atlas"))
        #expect(summary.added.count == 4)
        let http = ProviderHTTPClient()
        do {
            try await sim.withRunning { port in
                let provider = OpenAICompatibleProvider(name: "sim", endpoint: try BackendEndpoint("http://127.0.0.1:\(port)"), flavor: .vllm, http: http)
                let router = Router(routes: [Route(name: "default", backends: [RouteBackend(name: "sim", model: provider, modelName: "demo")], retry: RetryPolicy(maxAttempts: 1))])
                try await body(Rig(sim: sim, router: router, store: store, folder: folder))
            }
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    /// Collects an answer's events.
    final class Events: Sendable {
        let list = Mutex<[AnswerEvent]>([])
        func add(_ event: AnswerEvent) { list.withLock { $0.append(event) } }
        var kinds: [String] {
            list.withLock { events in
                events.map { event in
                    switch event {
                    case .sources: "sources"
                    case .delta: "delta"
                    case .done: "done"
                    }
                }
            }
        }
    }

    @Test("the prompt numbers the sources with the rules and the question's language; [n] maps back; the turn is kept")
    func groundedAnswer() async throws {
        try await withRig { rig in
            rig.reply("القاهرة هي عاصمة مصر [1] وأكبر مدنها [1][9].")
            let events = Events()
            let summary = try await rig.answerer().answer(AnswerRequest(question: "ما هي عاصمة مصر؟", collection: "atlas")) { events.add($0) }

            let kinds = events.kinds
            #expect(kinds.first == "sources" && kinds.last == "done" && kinds.dropFirst().dropLast().allSatisfy { $0 == "delta" } && kinds.count > 3)
            #expect(summary.answer == "القاهرة هي عاصمة مصر [1] وأكبر مدنها [1][9].")
            #expect(summary.citations == [1], "9 names no source and is not a citation")
            #expect(summary.sources.first?.document.hasSuffix("egypt.md") == true && summary.sources.first?.cited == true)
            #expect(summary.sources.dropFirst().allSatisfy { !$0.cited })
            #expect(summary.backend == "sim" && summary.covered && summary.language == .arabic && summary.mode == .simple)

            let prompt = try #require(rig.asked.last)
            #expect(prompt.count == 2 && prompt[0].role == .system && prompt[1] == .user("ما هي عاصمة مصر؟"))
            let system = prompt[0].text
            #expect(system.contains("using only the numbered sources") && system.contains("do not contain the answer") && system.contains("Arabic"))
            #expect(system.contains("[1] egypt.md — مصر\nالقاهرة هي عاصمة جمهورية مصر العربية"))
            for source in summary.sources { #expect(system.contains("[\(source.n)] ")) }

            let sessionID = try #require(summary.sessionID)
            let kept = try #require(try await rig.store.conversation(id: sessionID))
            #expect(kept.collection == "atlas" && kept.turns.count == 1 && kept.turns[0].answer == summary.answer)
            #expect(kept.turns[0].citations.map(\.n) == [1] && kept.turns[0].citations[0].document.hasSuffix("egypt.md"))
        }
    }

    @Test("adaptive: a follow-up is rewritten with the conversation and searched with its context")
    func followUp() async throws {
        try await withRig { rig in
            let answerer = rig.answerer()
            rig.reply("Sailors may wear a beard of two centimetres [1].")
            let first = try await answerer.answer(AnswerRequest(question: "What are the beard regulations?", mode: .adaptive, collection: "atlas"))
            rig.reply("\"Query: beard rules for officers\"", "Officers need the captain's written approval [1].")
            let second = try await answerer.answer(AnswerRequest(question: "and for officers?", mode: .adaptive, collection: "atlas", context: .session(first.sessionID)))

            #expect(second.sessionID == first.sessionID)
            #expect(second.queries == ["beard rules for officers", "What are the beard regulations? and for officers?"])
            #expect(second.sources.first?.section == "Grooming regulations › Beards for officers")
            #expect(second.citedSources.map(\.section) == ["Grooming regulations › Beards for officers"])
            let asked = rig.asked
            let rewrite = asked[asked.count - 2], answer = asked[asked.count - 1]
            #expect(rewrite.last?.text.contains("User: What are the beard regulations?") == true && rewrite.last?.text.contains("Last question: and for officers?") == true)
            #expect(Array(answer.dropFirst()) == [.user("What are the beard regulations?"), .assistant(first.answer), .user("and for officers?")], "the earlier turn is in the prompt")
            let sessionID = try #require(first.sessionID)
            let kept = try #require(try await rig.store.conversation(id: sessionID))
            #expect(kept.turns.map(\.question) == ["What are the beard regulations?", "and for officers?"] && kept.turns[1].query == "beard rules for officers")
        }
    }

    @Test("adaptive declines a question the documents do not cover, without asking the model; simple asks")
    func uncovered() async throws {
        try await withRig { rig in
            let before = rig.asked.count
            let events = Events()
            let declined = try await rig.answerer().answer(AnswerRequest(question: "How do volcanoes erupt?", mode: .adaptive, collection: "atlas")) { events.add($0) }
            #expect(!declined.covered && declined.answer == QuestionLanguage.english.notCovered && declined.sources.isEmpty && declined.backend == nil)
            #expect(events.kinds == ["sources", "delta", "done"] && rig.asked.count == before)
            let arabic = try await rig.answerer().answer(AnswerRequest(question: "كيف تثور البراكين؟", mode: .adaptive, collection: "atlas"))
            #expect(arabic.answer == QuestionLanguage.arabic.notCovered)

            rig.reply("The documents do not contain it.")
            let simple = try await rig.answerer().answer(AnswerRequest(question: "How do volcanoes erupt in France?", mode: .simple, collection: "atlas"))
            #expect(simple.covered && simple.backend == "sim" && rig.asked.count == before + 1)
            #expect(rig.answers(.adaptive, "not_covered") == 2 && rig.answers(.simple, "answered") == 1)
        }
    }

    @Test("a missing collection fails before any event; a failing backend fails before the sources")
    func failures() async throws {
        try await withRig(faults: ["500"]) { rig in
            let events = Events()
            await #expect(throws: FerryError.self) {
                try await rig.answerer().answer(AnswerRequest(question: "capital of France?", collection: "nowhere")) { events.add($0) }
            }
            do {
                try await rig.answerer().answer(AnswerRequest(question: "capital of France?", collection: "atlas")) { events.add($0) }
                Issue.record("a backend answering 500 must fail the answer")
            } catch let error as FerryError {
                #expect(error.code == .upstreamFailure && error.httpStatus == 500)
            }
            #expect(events.kinds.isEmpty && rig.answers(.simple, "failed") == 2)
            await #expect(throws: FerryError.self) { try await rig.answerer().answer(AnswerRequest(question: "  ", collection: "atlas")) }
            await #expect(throws: FerryError.self) { try await rig.answerer().answer(AnswerRequest(question: "x", collection: "atlas", context: .session("no spaces allowed"))) }
        }
    }

    @Test("an answer cut mid-stream fails after its sources and pieces, and keeps no turn")
    func cutMidStream() async throws {
        try await withRig(faults: ["drop:3"]) { rig in
            let events = Events()
            var thrown: FerryError?
            do {
                try await rig.answerer().answer(AnswerRequest(question: "capital of France?", collection: "atlas", context: .session("cut-1"))) { events.add($0) }
            } catch let error as FerryError {
                thrown = error
            }
            #expect(thrown != nil, "the cut is an error, not a short answer")
            #expect(events.kinds.first == "sources" && !events.kinds.contains("done"))
            #expect(try await rig.store.conversation(id: "cut-1") == nil)
        }
    }

    @Test("older turns are summarised by the model once the session outgrows its budget")
    func summary() async throws {
        try await withRig { rig in
            var options = AnsweringOptions()
            options.historyTokens = 40
            let answerer = rig.answerer(options: options)
            let long = String(repeating: "Paris is the capital of France and its largest city. ", count: 4)
            rig.reply(long + "[1]", long + "[1]")
            let first = try await answerer.answer(AnswerRequest(question: "What is the capital of France?", collection: "atlas", context: .session("long-1")))
            _ = try await answerer.answer(AnswerRequest(question: "Where does the president live?", collection: "atlas", context: .session(first.sessionID)))
            rig.reply("They asked about Paris, the capital, and the president's palace.", "The Seine flows through Paris [1].")
            let third = try await answerer.answer(AnswerRequest(question: "Which river flows there?", collection: "atlas", context: .session(first.sessionID)))
            #expect(third.answer == "The Seine flows through Paris [1].")
            let asked = rig.asked
            #expect(asked[asked.count - 2].first?.text.hasPrefix("Summarise this conversation") == true)
            #expect(asked.last?.first?.text.contains("Earlier in this conversation: They asked about Paris") == true)
            let kept = try #require(try await rig.store.conversation(id: "long-1"))
            #expect(kept.summary == "They asked about Paris, the capital, and the president's palace." && kept.summarizedThrough == 1 && kept.turns.count == 3)
        }
    }

    @Test("reranking through a backend's /v1/rerank orders the sources by its scores")
    func reranking() async throws {
        try await withRig { rig in
            rig.reply("Officers need approval [1].")
            let reranker = LanguageModelReranker(model: rig.router, route: "default")
            let summary = try await rig.answerer(reranker: reranker).answer(AnswerRequest(question: "officers beard approval captain", collection: "atlas", topK: 2))
            #expect(summary.sources.count == 2)
            #expect(summary.sources[0].section == "Grooming regulations › Beards for officers")
            #expect(summary.sources[0].score > summary.sources[1].score && summary.sources[0].score <= 1, "the reranker's scores, best first")
        }
    }
}
