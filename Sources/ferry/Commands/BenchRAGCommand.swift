import ArgumentParser
import FerryCore
import FerryRAG
import FerryRouter
import FerryServer
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// `ferry bench-rag`: the document store's speed — ingest throughput, the embedded model's embeddings per second,
/// and search latency (lexical, vector, hybrid) at several collection sizes, in-process and through the gateway's
/// `POST /api/search` — with memory. Synthetic passages (Zipf-distributed words) and synthetic 384-dimension vectors
/// (clustered unit vectors) stand in for real ones at scale.
struct BenchRAGCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-rag",
        abstract: "Benchmark the document store: ingest throughput, embeddings/s, search latency p50/p95 at scale, memory.",
        discussion: "Run it from a release build (Benchmarks/rag/run.sh does). Writes into a temporary folder."
    )

    @Option(help: "Collection sizes in passages, comma-separated.")
    var chunks = "10000,100000"

    @Option(help: "Searches per mode and size.")
    var queries = 300

    @Flag(help: "Skip the embedded model's embeddings/s (it installs the model on first use).")
    var skipEmbedding = false

    @Flag(help: "Print JSON.")
    var json = false

    struct Report: Encodable {
        var ingestChunksPerSecond: Double
        var ingestDocuments: Int
        var embeddingsPerSecond: Double?
        var embeddingModel: String?
        var searches: [SearchRow] = []

        enum CodingKeys: String, CodingKey {
            case searches
            case ingestChunksPerSecond = "ingest_chunks_per_s"
            case ingestDocuments = "ingest_documents"
            case embeddingsPerSecond = "embeddings_per_s"
            case embeddingModel = "embedding_model"
        }
    }

    struct SearchRow: Encodable {
        var chunks: Int
        var via: String
        var mode: String
        var p50: Double
        var p95: Double
        var buildSeconds: Double
        var residentMB: Double

        enum CodingKeys: String, CodingKey {
            case chunks, via, mode
            case p50 = "p50_ms"
            case p95 = "p95_ms"
            case buildSeconds = "build_s"
            case residentMB = "resident_mb"
        }
    }

    func run() async throws {
        ConsoleLogging.bootstrap(level: .warning)
        let sizes = try chunks.split(separator: ",").map { text -> Int in
            guard let size = Int(text.trimmingCharacters(in: .whitespaces)), size >= 100 else { throw ValidationError("--chunks takes sizes of at least 100, e.g. 10000,100000") }
            return size
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-bench-rag-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var words = SyntheticText(seed: 42)

        // Ingest without embedding: documents through the whole pipeline (read, chunk, index, write).
        let ingestStore = try SQLiteRAGStore(path: folder.appendingPathComponent("ingest.sqlite").path)
        let documents = (0..<400).map { index in IngestSource.upload(name: "doc\(index).md", data: Data(words.markdown(sections: 4, paragraphs: 3, sentences: 4).utf8)) }
        let begun = ContinuousClock.now
        let summary = try await Ingestor(store: ingestStore, embedder: nil).ingest(documents, options: IngestOptions(collection: "bench"))
        var report = Report(ingestChunksPerSecond: Double(summary.chunks) / (ContinuousClock.now - begun).seconds, ingestDocuments: summary.added.count)
        say("ingest (no embedding): \(summary.added.count) documents, \(summary.chunks) passages, \(String(format: "%.0f", report.ingestChunksPerSecond)) passages/s")

        if !skipEmbedding {
            let embedder = try await RAGSetup.embeddedModel(threads: nil)
            let counter = embedder.tokenCounter ?? EstimatedTokenCounter()
            // Real prose (this repository's documentation) cut as ingest cuts it: whole passages, and single sentences.
            let prose = Self.prose()
            let passages = try await Chunker(counter: counter).chunks(of: ExtractedDocument(format: .markdown, title: nil, blocks: prose.map { TextBlock($0) })).map(\.indexedText)
            let sentences = prose.flatMap { paragraph in SentenceSplitter.sentences(paragraph).map { String(String.UnicodeScalarView(Array(paragraph.unicodeScalars)[$0])) } }
            for (label, texts) in [("passages", Array(passages.prefix(64))), ("sentences", Array(sentences.prefix(256)))] where !texts.isEmpty {
                _ = try await embedder.embed(Array(texts.prefix(4)), as: .passage)
                let tokens = try await counter.count(texts).reduce(0, +)
                let start = ContinuousClock.now
                _ = try await embedder.embed(texts, as: .passage)
                let seconds = (ContinuousClock.now - start).seconds
                let rate = Double(texts.count) / seconds
                if label == "passages" {
                    report.embeddingsPerSecond = rate
                    report.embeddingModel = embedder.modelName
                }
                say("embedded model, \(label): \(String(format: "%.1f", rate)) embeddings/s, \(String(format: "%.0f", Double(tokens) / seconds)) tokens/s (\(texts.count) texts of \(tokens / texts.count) tokens on average)")
            }
        }

        for size in sizes {
            let store = try SQLiteRAGStore(path: folder.appendingPathComponent("search-\(size).sqlite").path)
            var vectors = SyntheticVectors(dimensions: 384, centres: 500, seed: UInt64(size))
            let perDocument = 10
            let buildStart = ContinuousClock.now
            for document in 0..<(size / perDocument) {
                var chunks: [Chunk] = []
                var made: [[Float]?] = []
                for ordinal in 0..<perDocument {
                    let text = words.sentences(3)
                    chunks.append(Chunk(ordinal: ordinal, text: text, section: ["Part \(document)"], page: nil, start: ordinal * 400, end: ordinal * 400 + text.unicodeScalars.count, tokenCount: 60))
                    made.append(vectors.next())
                }
                _ = try await store.write(DocumentRecord(collection: "bench", path: "doc\(document).md", title: nil, format: .markdown, contentHash: "\(document)", chunking: "bench", bytes: 4000, metadata: [:], text: "", chunks: chunks, vectors: made))
            }
            _ = try await store.prepareCollection("bench", embeddingModel: SyntheticEmbedder.name, dimensions: 384)
            let retriever = Retriever(store: store, embedder: SyntheticEmbedder())
            let rssBefore = Self.residentMB()
            let indexStart = ContinuousClock.now
            _ = try await retriever.search(SearchRequest(query: "warm", collection: "bench", topK: 5, mode: .vector, queryVector: vectors.next()))
            let indexSeconds = (ContinuousClock.now - indexStart).seconds
            say("\(size) passages: stored in \(String(format: "%.1f", (ContinuousClock.now - buildStart).seconds - indexSeconds)) s, vector index built in \(String(format: "%.2f", indexSeconds)) s, +\(String(format: "%.0f", Self.residentMB() - rssBefore)) MB")
            let queries = (0..<self.queries).map { _ in (text: words.query(), vector: vectors.near()) }
            for mode in SearchMode.allCases {
                var times: [Double] = []
                for query in queries {
                    let start = ContinuousClock.now
                    _ = try await retriever.search(SearchRequest(query: query.text, collection: "bench", topK: 5, mode: mode, queryVector: query.vector))
                    times.append((ContinuousClock.now - start).seconds * 1000)
                }
                report.searches.append(row(size, "in-process", mode, times, indexSeconds))
            }
            // Through HTTP: the gateway's POST /api/search on loopback (the query text embedded by the synthetic model).
            let service = DocumentService(store: store, embedder: { SyntheticEmbedder() })
            var quiet = Logger(label: "ferry.bench-rag")
            quiet.logLevel = .critical
            let gateway = Gateway(router: Router(routes: []), documents: service, logger: quiet)
            let http = HTTPTimer()
            try await withThrowingTaskGroup(of: Void.self) { group in
                let (port, ready) = AsyncStream.makeStream(of: Int.self)
                let app = gateway.makeApplication(host: "127.0.0.1", port: 0) { ready.yield($0) }
                group.addTask { try await app.run() }
                var iterator = port.makeAsyncIterator()
                guard let bound = await iterator.next() else { return }
                for mode in SearchMode.allCases {
                    var times: [Double] = []
                    for query in queries {
                        let body = try JSONSerialization.data(withJSONObject: ["query": query.text, "collection": "bench", "top_k": 5, "mode": mode.rawValue])
                        times.append(try await http.post("http://127.0.0.1:\(bound)/api/search", body: body))
                    }
                    report.searches.append(row(size, "http", mode, times, indexSeconds))
                }
                group.cancelAll()
            }
            try await http.shutdown()
        }
        if json {
            try ConsoleLogging.printJSON(report)
        } else {
            say("| passages | via | mode | p50 ms | p95 ms | resident MB |")
            say("|---|---|---|---|---|---|")
            for row in report.searches {
                say(String(format: "| %d | %@ | %@ | %.2f | %.2f | %.0f |", row.chunks, row.via, row.mode, row.p50, row.p95, row.residentMB))
            }
        }
    }

    private func row(_ size: Int, _ via: String, _ mode: SearchMode, _ times: [Double], _ build: Double) -> SearchRow {
        let sorted = times.sorted()
        return SearchRow(chunks: size, via: via, mode: mode.rawValue, p50: sorted[sorted.count / 2], p95: sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))], buildSeconds: build, residentMB: Self.residentMB())
    }

    private func say(_ line: String) {
        if json { FileHandle.standardError.write(Data((line + "\n").utf8)) } else { ConsoleLogging.say(line) }
    }

    /// Paragraphs of real prose: the repository's documents when run from its root, else the synthetic text's.
    static func prose() -> [String] {
        var paragraphs: [String] = []
        for file in ["README.md", "docs/ARCHITECTURE.md", "docs/PERFORMANCE.md"] {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            paragraphs += text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { $0.count > 200 && !$0.hasPrefix("```") && !$0.hasPrefix("|") }
        }
        if paragraphs.isEmpty {
            var words = SyntheticText(seed: 9)
            paragraphs = (0..<64).map { _ in words.sentences(6) }
        }
        return paragraphs
    }

    /// This process's resident memory (VmRSS), in megabytes.
    static func residentMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes / 1024
    }
}
