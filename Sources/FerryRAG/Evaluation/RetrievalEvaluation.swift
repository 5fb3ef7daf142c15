import FerryCore
import Foundation
import Logging

/// Measures retrieval on a SQuAD-format set: each paragraph of the documents file is a document, each question of
/// the questions file (the same set in another language, or the same file) must find the paragraph with its id.
/// Reports recall@1, recall@5 and MRR@10 by search mode.
///
/// ```swift
/// let report = try await RetrievalEvaluation(embedder: e5).run(questions: arabic, documents: english, label: "ar→en")
/// ```
public struct RetrievalEvaluation: Sendable {
    public struct Row: Sendable, Hashable, Codable {
        public var pair: String
        public var mode: SearchMode
        public var questions: Int
        public var recallAt1: Double
        public var recallAt5: Double
        public var mrrAt10: Double
        /// Median time of one search (embedding the query included), milliseconds.
        public var medianMilliseconds: Double

        enum CodingKeys: String, CodingKey {
            case pair, mode, questions
            case recallAt1 = "recall_at_1"
            case recallAt5 = "recall_at_5"
            case mrrAt10 = "mrr_at_10"
            case medianMilliseconds = "median_ms"
        }
    }

    public let embedder: (any Embedder)?
    public var modes: [SearchMode]
    /// At most this many questions (evenly spread), nil: all.
    public var limit: Int?

    public init(embedder: (any Embedder)?, modes: [SearchMode] = SearchMode.allCases, limit: Int? = nil) {
        self.embedder = embedder
        self.modes = embedder == nil ? [.lexical] : modes
        self.limit = limit
    }

    /// Ingests the documents into a fresh store in `folder` (reused across calls with the same documents file).
    public func run(questions: SQuADFile, documents: SQuADFile, label: String, folder: URL, progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> [Row] {
        let store = try SQLiteRAGStore(path: folder.appendingPathComponent("evaluation.sqlite").path)
        var ingestor = Ingestor(store: store, embedder: embedder, logger: Logger(label: "ferry.rag.evaluation"))
        ingestor.groupFiles = 64
        let byQuestion = Dictionary(documents.paragraphs.flatMap { paragraph in paragraph.questionIDs.map { ($0, paragraph.key) } }, uniquingKeysWith: { first, _ in first })
        let sources = documents.paragraphs.map { IngestSource.upload(name: $0.key + ".txt", data: Data($0.context.utf8)) }
        let summary = try await ingestor.ingest(sources, options: IngestOptions(collection: "evaluation", chunking: ChunkingOptions(maxTokens: 512, overlapTokens: 32))) { state in
            progress("\(label): ingesting \(state.filesDone)/\(state.files) paragraphs")
        }
        if !summary.skipped.isEmpty { throw FerryError(code: .badRequest, message: "\(summary.skipped.count) paragraphs could not be ingested: \(summary.skipped[0].reason)", hint: "check the documents file") }
        var asked = questions.questions.filter { byQuestion[$0.id] != nil }
        if let limit, asked.count > limit {
            let step = Double(asked.count) / Double(limit)
            asked = (0..<limit).map { asked[Int(Double($0) * step)] }
        }
        let retriever = Retriever(store: store, embedder: embedder)
        var rows: [Row] = []
        for mode in modes {
            var found1 = 0, found5 = 0
            var reciprocal = 0.0
            var times: [Double] = []
            for (number, question) in asked.enumerated() {
                if number % 50 == 0 { progress("\(label) \(mode.rawValue): \(number)/\(asked.count) questions") }
                let begun = ContinuousClock.now
                let response = try await retriever.search(SearchRequest(query: question.text, collection: "evaluation", topK: 20, mode: mode))
                times.append((ContinuousClock.now - begun).seconds * 1000)
                var ranked: [String] = []
                for hit in response.results {
                    let key = String(hit.chunk.document.dropLast(4))
                    if !ranked.contains(key) { ranked.append(key) }
                }
                guard let gold = byQuestion[question.id], let rank = ranked.firstIndex(of: gold) else { continue }
                if rank < 1 { found1 += 1 }
                if rank < 5 { found5 += 1 }
                if rank < 10 { reciprocal += 1 / Double(rank + 1) }
            }
            let count = Double(max(1, asked.count))
            times.sort()
            rows.append(Row(pair: label, mode: mode, questions: asked.count, recallAt1: Double(found1) / count, recallAt5: Double(found5) / count, mrrAt10: reciprocal / count, medianMilliseconds: times.isEmpty ? 0 : times[times.count / 2]))
        }
        return rows
    }
}
