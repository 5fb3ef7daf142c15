import FerryCore
import Foundation
import Logging

/// Answers end to end on a SQuAD-format set: how often the gold paragraph is among the sources the model was given
/// and among those it cites, how often the answer holds a gold answer's text, and the time per answer; plus how
/// well adaptive mode's relevance gate tells questions the collection covers from questions about articles left
/// out of it.
///
/// ```swift
/// let evaluation = AnswerEvaluation(embedder: e5, model: .init(route: "default", model: router), limit: 40)
/// let (rows, gate) = try await evaluation.run(questions: ar, documents: ar, label: "ar→ar", folder: folder)
/// ```
public struct AnswerEvaluation: Sendable {
    public struct Row: Sendable, Hashable, Codable {
        public var pair: String
        public var mode: QueryMode
        public var questions: Int
        /// The gold paragraph is among the sources given to the model.
        public var goldInSources: Double
        /// The gold paragraph is among the sources the answer cites.
        public var goldCited: Double
        /// The answer contains a gold answer's text (both in index form: case, diacritics and Arabic letter forms
        /// folded).
        public var answerHasGold: Double
        /// Answered "the documents do not cover this question".
        public var declined: Double
        public var medianRetrievalMilliseconds: Double
        public var medianGenerationMilliseconds: Double
        public var medianTotalMilliseconds: Double
    }

    /// Adaptive mode's gate: the best passage's cosine for questions the collection covers and for questions about
    /// held-out articles, and the share of each ``RelevanceGate`` declines.
    public struct Gate: Sendable, Hashable, Codable {
        public var pair: String
        public var covered: Int
        public var uncovered: Int
        public var coveredMedian: Double
        public var uncoveredMedian: Double
        /// Covered questions the gate would decline (lower is better).
        public var falseDeclines: Double
        /// Questions about held-out articles the gate declines (higher is better).
        public var rightDeclines: Double
        /// Each question's best cosine and best term coverage, covered ones then held-out ones (for tuning).
        public var coveredScores: [[Double]]
        public var uncoveredScores: [[Double]]
    }

    public let embedder: (any Embedder)?
    public let model: AnswerModel
    public var options: AnsweringOptions
    /// Questions per pair (evenly spread).
    public var limit: Int
    /// The last articles of the documents, left out of the collection for the gate's uncovered questions.
    public var heldOutArticles = 4

    public init(embedder: (any Embedder)?, model: AnswerModel, options: AnsweringOptions = AnsweringOptions(), limit: Int = 40) {
        self.embedder = embedder
        self.model = model
        self.options = options
        self.limit = limit
    }

    /// `modes`: each answers its share of the questions (none: the gate alone, which needs no generation).
    public func run(questions: SQuADFile, documents: SQuADFile, label: String, folder: URL, modes: [QueryMode] = QueryMode.allCases, progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> (rows: [Row], gate: Gate) {
        let store = try SQLiteRAGStore(path: folder.appendingPathComponent("answers.sqlite").path)
        let lastKept = (documents.paragraphs.map(\.article).max() ?? 0) - heldOutArticles
        let kept = documents.paragraphs.filter { $0.article <= lastKept }
        if try await store.collection("evaluation") == nil {
            var ingestor = Ingestor(store: store, embedder: embedder, logger: Logger(label: "ferry.rag.evaluation"))
            ingestor.groupFiles = 64
            let sources = kept.map { IngestSource.upload(name: $0.key + ".txt", data: Data($0.context.utf8)) }
            _ = try await ingestor.ingest(sources, options: IngestOptions(collection: "evaluation", chunking: ChunkingOptions(maxTokens: 512, overlapTokens: 32))) { state in
                progress("\(label): ingesting \(state.filesDone)/\(state.files) paragraphs")
            }
        }
        let keptKeys = Set(kept.map(\.key))
        let article = Dictionary(documents.paragraphs.map { ($0.key, $0.article) }, uniquingKeysWith: { first, _ in first })
        let covered = Self.spread(questions.questions.filter { keptKeys.contains($0.paragraph) }, count: limit)
        let uncovered = Self.spread(questions.questions.filter { (article[$0.paragraph] ?? 0) > lastKept }, count: limit)
        let answerer = Answerer(retriever: Retriever(store: store, embedder: embedder), model: model, options: options, logger: Logger(label: "ferry.rag.evaluation"))

        let gateTest = RelevanceGate(options)
        var coveredScores: [[Double]] = [], uncoveredScores: [[Double]] = []
        var coveredDeclined = 0, uncoveredDeclined = 0
        for (number, question) in (covered + uncovered).enumerated() {
            progress("\(label) gate: \(number)/\(covered.count + uncovered.count) questions")
            let passages = try await answerer.retrieve([question.text], request: AnswerRequest(question: question.text, collection: "evaluation", context: .history([])))
            let kept = Array(passages.prefix(options.topK))
            let scores = [kept.compactMap(\.cosine).max() ?? 0, kept.map(\.coverage).max() ?? 0]
            let declined = gateTest.filter(kept, question: QuestionLanguage.detect(question.text)).isEmpty
            if number < covered.count {
                coveredScores.append(scores)
                if declined { coveredDeclined += 1 }
            } else {
                uncoveredScores.append(scores)
                if declined { uncoveredDeclined += 1 }
            }
        }
        let gate = Gate(
            pair: label, covered: covered.count, uncovered: uncovered.count,
            coveredMedian: Self.median(coveredScores.map { $0[embedder == nil ? 1 : 0] }), uncoveredMedian: Self.median(uncoveredScores.map { $0[embedder == nil ? 1 : 0] }),
            falseDeclines: Double(coveredDeclined) / Double(max(1, covered.count)), rightDeclines: Double(uncoveredDeclined) / Double(max(1, uncovered.count)),
            coveredScores: coveredScores, uncoveredScores: uncoveredScores
        )

        var rows: [Row] = []
        for (modeIndex, mode) in modes.enumerated() {
            // Each mode answers its own share of the questions: the same prompt twice would find the first one's
            // prefix cached by the server, and time the second unfairly.
            let asked = covered.enumerated().filter { $0.offset % modes.count == modeIndex }.map(\.element)
            var inSources = 0, cited = 0, hasGold = 0, declined = 0
            var retrieval: [Double] = [], generation: [Double] = [], total: [Double] = []
            for (number, question) in asked.enumerated() {
                progress("\(label) \(mode.rawValue): \(number)/\(asked.count) answers")
                let summary = try await answerer.answer(AnswerRequest(question: question.text, mode: mode, collection: "evaluation", context: .history([])))
                let gold = question.paragraph + ".txt"
                if summary.sources.contains(where: { $0.document == gold }) { inSources += 1 }
                if summary.citedSources.contains(where: { $0.document == gold }) { cited += 1 }
                let answer = TextNormalizer.indexForm(summary.answer)
                if question.answers.contains(where: { let form = TextNormalizer.indexForm($0); return !form.isEmpty && answer.contains(form) }) { hasGold += 1 }
                if !summary.covered { declined += 1 }
                retrieval.append(summary.timings.retrievalMilliseconds)
                generation.append(summary.timings.generationMilliseconds)
                total.append(summary.timings.totalMilliseconds)
            }
            let count = Double(max(1, asked.count))
            rows.append(Row(
                pair: label, mode: mode, questions: asked.count, goldInSources: Double(inSources) / count, goldCited: Double(cited) / count,
                answerHasGold: Double(hasGold) / count, declined: Double(declined) / count,
                medianRetrievalMilliseconds: Self.median(retrieval), medianGenerationMilliseconds: Self.median(generation), medianTotalMilliseconds: Self.median(total)
            ))
        }
        return (rows, gate)
    }

    static func spread<Item>(_ items: [Item], count: Int) -> [Item] {
        guard items.count > count else { return items }
        let step = Double(items.count) / Double(count)
        return (0..<count).map { items[Int(Double($0) * step)] }
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        return values.sorted()[values.count / 2]
    }

    static func share(_ values: [Double], _ predicate: (Double) -> Bool) -> Double {
        values.isEmpty ? 0 : Double(values.filter(predicate).count) / Double(values.count)
    }
}
