import Crypto
import FerryCore
import Foundation
import Logging

/// Ingests documents into a collection: each file read (``DocumentReader``), cut into passages (``Chunker``),
/// its new passages embedded — passages whose text has not changed keep the vector they had — and written in one
/// transaction. Files are taken in groups so that small documents share embedding batches.
///
/// ```swift
/// let ingestor = Ingestor(store: store, embedder: embedder)
/// let summary = try await ingestor.ingest([.path("docs/")], options: IngestOptions(collection: "manuals")) { progress in … }
/// print(summary.added.count, summary.skipped)
/// ```
public struct Ingestor: Sendable {
    public let store: any RAGStore
    public let embedder: (any Embedder)?
    public var reader: DocumentReader
    public var logger: Logger
    /// Files read before their passages are embedded together.
    public var groupFiles = 16
    /// Passages that make a group full.
    public var groupChunks = 128

    public init(store: any RAGStore, embedder: (any Embedder)?, reader: DocumentReader = DocumentReader(), logger: Logger = Logger(label: "ferry.rag")) {
        self.store = store
        self.embedder = embedder
        self.reader = reader
        self.logger = logger
    }

    /// A document read and cut, waiting for its vectors.
    struct Pending {
        var path: String
        var document: ExtractedDocument
        var chunks: [Chunk]
        var hash: String
        var bytes: Int
        var replaces: Bool
    }

    public func ingest(_ sources: [IngestSource], options: IngestOptions, progress: @escaping @Sendable (IngestProgress) -> Void = { _ in }) async throws -> IngestSummary {
        let begun = ContinuousClock.now
        var summary = IngestSummary(collection: options.collection)
        if let embedder {
            summary.embeddingModel = embedder.modelName
        } else {
            summary.notice = "no embedding model: passages are indexed for lexical search only"
        }
        // Made, or checked against the model it was embedded with (another one is refused here).
        var collection = try await store.prepareCollection(options.collection, embeddingModel: embedder?.modelName, dimensions: nil)

        // What to read.
        let scanner = FileScanner(include: options.include, exclude: options.exclude)
        let paths = sources.compactMap { if case .path(let path) = $0 { path } else { nil } }
        let (files, missing) = scanner.scan(paths)
        for path in missing where !options.sync {
            summary.skipped.append(.init(path: path, reason: "no such file or folder"))
        }
        var work: [(name: String, load: @Sendable () throws -> Data, fromFolder: Bool)] = files.map { file in
            (file.path, { try Self.readFile(file.path, limit: reader.maxBytes) }, file.fromFolder)
        }
        for source in sources {
            switch source {
            case .path: continue
            case .standardInput(let name): work.append((name, { FileHandle.standardInput.readDataToEndOfFile() }, false))
            case .upload(let name, let data): work.append((name, { data }, false))
            }
        }

        let chunker = Chunker(options: options.chunking, counter: embedder?.tokenCounter ?? EstimatedTokenCounter())
        var state = IngestProgress(files: work.count, filesDone: 0, chunks: 0, embedded: 0, seconds: 0)
        func report(_ current: String?) {
            state.seconds = (ContinuousClock.now - begun).seconds
            state.current = current
            progress(state)
        }
        var machine = StateMachine(files: work.count, groupFiles: groupFiles, groupChunks: groupChunks, sync: options.sync)
        var items = work.makeIterator()
        var action = machine.start()
        while true {
            switch action {
            case .read:
                try Task.checkCancellation()
                guard let item = items.next() else { preconditionFailure("the state machine asked for a file past the last") }
                report(item.name)
                let pending = try await read(item, chunker: chunker, options: options, summary: &summary)
                state.filesDone += 1
                action = machine.read(pending)
            case .write(let group):
                try await write(group, options: options, collection: &collection, summary: &summary)
                state.chunks = summary.chunks
                state.embedded = summary.embedded
                report(group.last?.path)
                action = machine.written()
            case .sync:
                summary.removed = try await removeGone(paths: paths, seen: Set(work.map(\.name)), collection: options.collection)
                action = machine.synced()
            case .finish:
                break
            }
            if case .finish = action { break }
        }
        summary.seconds = (ContinuousClock.now - begun).seconds
        report(nil)
        logger.info("ingested", metadata: [
            "collection": "\(options.collection)", "added": "\(summary.added.count)", "updated": "\(summary.updated.count)",
            "unchanged": "\(summary.unchanged.count)", "removed": "\(summary.removed.count)", "skipped": "\(summary.skipped.count)",
            "chunks": "\(summary.chunks)", "embedded": "\(summary.embedded)",
        ])
        return summary
    }

    /// Reads one file: the document to write, or nil when it is skipped (with the reason in the summary) or unchanged.
    private func read(_ item: (name: String, load: @Sendable () throws -> Data, fromFolder: Bool), chunker: Chunker, options: IngestOptions, summary: inout IngestSummary) async throws -> Pending? {
        let data: Data
        do {
            data = try item.load()
        } catch let unreadable as UnreadableDocument {
            summary.skipped.append(.init(path: item.name, reason: unreadable.reason))
            return nil
        } catch {
            summary.skipped.append(.init(path: item.name, reason: "could not be read: \(error.localizedDescription)"))
            return nil
        }
        if item.fromFolder, DocumentFormat(path: item.name) == nil, DocumentReader.format(of: data, name: item.name) != .text {
            summary.skipped.append(.init(path: item.name, reason: "not a format Ferry reads (text, Markdown, HTML, PDF, DOCX, JSON, JSONL)"))
            return nil
        }
        let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let stored = try await store.document(in: options.collection, path: item.name)
        if let stored, !options.force, stored.contentHash == hash, stored.chunking == options.chunking.fingerprint, stored.metadata == options.metadata {
            summary.unchanged.append(item.name)
            return nil
        }
        do {
            let document = try await reader.read(data, name: item.name)
            let chunks = try await chunker.chunks(of: document)
            return Pending(path: item.name, document: document, chunks: chunks, hash: hash, bytes: data.count, replaces: stored != nil)
        } catch let unreadable as UnreadableDocument {
            summary.skipped.append(.init(path: item.name, reason: unreadable.reason))
            return nil
        }
    }

    /// Embeds the group's passages that have no vector yet and writes each document in its own transaction.
    private func write(_ group: [Pending], options: IngestOptions, collection: inout CollectionDescriptor, summary: inout IngestSummary) async throws {
        guard !group.isEmpty else { return }
        var vectors: [String: [Float]] = [:]
        if let embedder {
            let ids = Array(Set(group.flatMap { $0.chunks.map(\.id) }))
            vectors = try await store.vectors(forChunkIDs: ids, in: options.collection)
            var missing: [String: String] = [:]
            for pending in group {
                for chunk in pending.chunks where vectors[chunk.id] == nil { missing[chunk.id] = chunk.indexedText }
            }
            summary.reused += group.reduce(0) { $0 + $1.chunks.count } - missing.count
            if !missing.isEmpty {
                let order = Array(missing.keys)
                let made = try await embedder.embed(order.map { missing[$0]! }, as: .passage)
                for (id, vector) in zip(order, made) { vectors[id] = VectorCodec.normalized(vector) }
                summary.embedded += missing.count
                // The vectors' size is recorded once, with the first of them.
                if collection.dimensions == nil, let dimensions = made.first?.count {
                    collection = try await store.prepareCollection(options.collection, embeddingModel: embedder.modelName, dimensions: dimensions)
                }
            }
        }
        for pending in group {
            let record = DocumentRecord(
                collection: options.collection, path: pending.path, title: pending.document.title, format: pending.document.format,
                contentHash: pending.hash, chunking: options.chunking.fingerprint, bytes: pending.bytes, metadata: options.metadata,
                text: pending.document.text, chunks: pending.chunks, vectors: pending.chunks.map { embedder == nil ? nil : vectors[$0.id] }
            )
            _ = try await store.write(record)
            if pending.replaces { summary.updated.append(pending.path) } else { summary.added.append(pending.path) }
            summary.chunks += pending.chunks.count
        }
    }

    /// With `--sync`: the collection's documents under the given folders (or at the given file paths) that were
    /// not found this time are deleted.
    private func removeGone(paths: [String], seen: Set<String>, collection: String) async throws -> [String] {
        var removed: [String] = []
        for document in try await store.documents(in: collection) where !seen.contains(document.path) {
            let under = paths.contains { path in
                let folder = path.hasSuffix("/") ? path : path + "/"
                return document.path == path || document.path.hasPrefix(folder)
            }
            guard under, !FileManager.default.fileExists(atPath: document.path) || !seen.contains(document.path) else { continue }
            if !FileManager.default.fileExists(atPath: document.path), try await store.deleteDocument(id: document.id) {
                removed.append(document.path)
            }
        }
        return removed
    }

    static func readFile(_ path: String, limit: Int) throws -> Data {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes[.size] as? Int, size > limit {
            throw UnreadableDocument("\(size >> 20) MB, more than the \(limit >> 20) MB limit (rag.max_file_mb); split it or raise the limit")
        }
        guard FileManager.default.isReadableFile(atPath: path) else { throw UnreadableDocument("not readable (permission denied)") }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }
}
