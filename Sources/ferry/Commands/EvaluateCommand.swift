import ArgumentParser
import FerryConfig
import FerryCore
import FerryRAG
import Foundation
import Logging

/// `ferry evaluate`: retrieval quality on a SQuAD-format set (recall@1, recall@5, MRR@10 by search mode), or with
/// `--answers` the answers end to end (gold paragraph among the sources and the citations, gold answer in the text).
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure retrieval on a SQuAD-format set: recall@1, recall@5 and MRR@10 for lexical, vector and hybrid search.",
        discussion: """
            Each paragraph of --documents is a document; each question of --questions must find the paragraph holding \
            its id (the two files may be translations of one set, as XQuAD's are). --xquad DIR runs en→en, ar→ar and \
            ar→en on DIR/xquad.{en,ar}.dev.json. The documents go to a temporary store, not the data folder.
            --answers answers each question with the configured route (simple and adaptive modes) and reports how often \
            the gold paragraph is among the sources given and those cited, how often the answer holds the gold answer, \
            and adaptive mode's gate on questions about articles left out of the collection (default --limit 40).
            """
    )

    @Option(help: "The questions (SQuAD JSON).")
    var questions: String?

    @Option(help: "The documents (SQuAD JSON; default: the questions file).")
    var documents: String?

    @Option(help: "A folder with xquad.en.dev.json and xquad.ar.dev.json: runs en→en, ar→ar and ar→en.")
    var xquad: String?

    @OptionGroup var options: ConfigOptions

    @Option(help: "At most this many questions per pair (evenly spread).")
    var limit: Int?

    @Flag(help: "Evaluate whole answers (retrieval, the model's answer, its citations), not retrieval alone.")
    var answers = false

    @Flag(help: "With --answers: measure adaptive mode's relevance gate only (retrieval, no generation).")
    var gateOnly = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if xquad == nil, questions == nil { throw ValidationError("give --questions FILE (and --documents FILE), or --xquad DIR") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        ConsoleLogging.bootstrap(level: .warning)
        if answers { return try await evaluateAnswers() }
        let setup = try await RAGSetup.load(config: options.config)
        let rows = try await setup.using { setup in
            let evaluation = RetrievalEvaluation(embedder: setup.embedder, limit: limit)
            let terminal = Terminal.current
            var rows: [RetrievalEvaluation.Row] = []
            var folders: [String: URL] = [:]
            defer { for folder in folders.values { try? FileManager.default.removeItem(at: folder) } }
            for pair in pairs {
                let folder = folders[pair.documents] ?? FileManager.default.temporaryDirectory.appendingPathComponent("ferry-evaluate-\(UUID().uuidString)")
                folders[pair.documents] = folder
                let questions = try SQuADFile(contentsOf: URL(fileURLWithPath: pair.questions))
                let documents = try SQuADFile(contentsOf: URL(fileURLWithPath: pair.documents))
                rows += try await evaluation.run(questions: questions, documents: documents, label: pair.label, folder: folder) { terminal.status($0) }
                terminal.clearStatus()
            }
            return rows
        }
        if json {
            try ConsoleLogging.printJSON(rows)
            return
        }
        let model = setup.embedder?.modelName ?? "no embedding model: lexical only (\(setup.noEmbedderReason ?? ""))"
        ConsoleLogging.say("Embedding model: \(model)")
        ConsoleLogging.say("| pair | mode | questions | recall@1 | recall@5 | MRR@10 | median ms |")
        ConsoleLogging.say("|---|---|---|---|---|---|---|")
        for row in rows {
            ConsoleLogging.say(String(format: "| %@ | %@ | %d | %.3f | %.3f | %.3f | %.1f |", row.pair, row.mode.rawValue, row.questions, row.recallAt1, row.recallAt5, row.mrrAt10, row.medianMilliseconds))
        }
    }

    var pairs: [(label: String, questions: String, documents: String)] {
        if let xquad {
            let en = xquad + "/xquad.en.dev.json", ar = xquad + "/xquad.ar.dev.json"
            return [("en→en", en, en), ("ar→ar", ar, ar), ("ar→en", ar, en)]
        }
        return questions.map { [("questions→documents", $0, documents ?? $0)] } ?? []
    }

    func evaluateAnswers() async throws {
        let setup = try await AnswerSetup.load(config: options.config)
        let terminal = Terminal.current
        let results = try await setup.using { setup in
            let model = try setup.answerer(route: nil).model
            let evaluation = AnswerEvaluation(embedder: setup.rag.embedder, model: model, options: setup.settings.answering, limit: limit ?? 40)
            var rows: [AnswerEvaluation.Row] = []
            var gates: [AnswerEvaluation.Gate] = []
            var folders: [String: URL] = [:]
            defer { for folder in folders.values { try? FileManager.default.removeItem(at: folder) } }
            for pair in pairs {
                let folder = folders[pair.documents] ?? FileManager.default.temporaryDirectory.appendingPathComponent("ferry-evaluate-\(UUID().uuidString)")
                folders[pair.documents] = folder
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let (found, gate) = try await evaluation.run(
                    questions: try SQuADFile(contentsOf: URL(fileURLWithPath: pair.questions)), documents: try SQuADFile(contentsOf: URL(fileURLWithPath: pair.documents)),
                    label: pair.label, folder: folder, modes: gateOnly ? [] : QueryMode.allCases
                ) { terminal.status($0) }
                terminal.clearStatus()
                rows += found
                gates.append(gate)
            }
            return (rows, gates, model.route)
        }
        struct Report: Encodable {
            var route: String
            var answers: [AnswerEvaluation.Row]
            var gate: [AnswerEvaluation.Gate]
        }
        if json { return try ConsoleLogging.printJSON(Report(route: results.2, answers: results.0, gate: results.1)) }
        ConsoleLogging.say("Route: \(results.2); embedding model: \(setup.rag.embedder?.modelName ?? "none (lexical only)")")
        if !results.0.isEmpty {
            ConsoleLogging.say("| pair | mode | questions | gold in sources | gold cited | gold in answer | declined | retrieval ms | generation ms | total ms |")
            ConsoleLogging.say("|---|---|---|---|---|---|---|---|---|---|")
            for row in results.0 {
                ConsoleLogging.say(String(format: "| %@ | %@ | %d | %.3f | %.3f | %.3f | %.3f | %.0f | %.0f | %.0f |", row.pair, row.mode.rawValue, row.questions, row.goldInSources, row.goldCited, row.answerHasGold, row.declined, row.medianRetrievalMilliseconds, row.medianGenerationMilliseconds, row.medianTotalMilliseconds))
            }
            ConsoleLogging.say("")
        }
        let answering = setup.settings.answering
        ConsoleLogging.say(String(format: "Adaptive mode's gate: cosine ≥ %.2f (same language) or ≥ %.2f (across languages), or ≥ %.0f %% of the query's terms", answering.minRelevance, answering.minCrossLingualRelevance, answering.minTermCoverage * 100))
        ConsoleLogging.say("| pair | covered / held-out questions | median best cosine, covered | median best cosine, held-out | covered declined | held-out declined |")
        ConsoleLogging.say("|---|---|---|---|---|---|")
        for gate in results.1 {
            ConsoleLogging.say(String(format: "| %@ | %d / %d | %.3f | %.3f | %.3f | %.3f |", gate.pair, gate.covered, gate.uncovered, gate.coveredMedian, gate.uncoveredMedian, gate.falseDeclines, gate.rightDeclines))
        }
    }
}
