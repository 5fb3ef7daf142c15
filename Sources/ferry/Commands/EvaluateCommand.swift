import ArgumentParser
import FerryCore
import FerryRAG
import Foundation
import Logging

/// `ferry evaluate`: retrieval quality on a SQuAD-format set (recall@1, recall@5, MRR@10 by search mode).
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure retrieval on a SQuAD-format set: recall@1, recall@5 and MRR@10 for lexical, vector and hybrid search.",
        discussion: """
            Each paragraph of --documents is a document; each question of --questions must find the paragraph holding \
            its id (the two files may be translations of one set, as XQuAD's are). --xquad DIR runs en→en, ar→ar and \
            ar→en on DIR/xquad.{en,ar}.dev.json. The documents go to a temporary store, not the data folder.
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

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if xquad == nil, questions == nil { throw ValidationError("give --questions FILE (and --documents FILE), or --xquad DIR") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        ConsoleLogging.bootstrap(level: .warning)
        var pairs: [(label: String, questions: String, documents: String)] = []
        if let xquad {
            let en = xquad + "/xquad.en.dev.json", ar = xquad + "/xquad.ar.dev.json"
            pairs = [("en→en", en, en), ("ar→ar", ar, ar), ("ar→en", ar, en)]
        } else if let questions {
            pairs = [("questions→documents", questions, documents ?? questions)]
        }
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
}
