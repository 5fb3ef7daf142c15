import FerryCore
@testable import FerryRAG
import Foundation
import GRDB
import Synchronization
import Testing

@Suite("Ingest and search, on SQLite and on PostgreSQL")
struct IngestAndSearchTests {
    struct Library {
        let folder: URL
        let store: any RAGStore
        let database: TestDatabase?
        let embedder = HashingEmbedder()

        init(_ kind: StoreKind) async throws {
            folder = try Fixtures.folder()
            switch kind {
            case .sqlite:
                store = try SQLiteRAGStore(path: folder.appendingPathComponent("data/rag.sqlite").path)
                database = nil
            case .postgres, .pgvector:
                let database = try await TestDatabase.create()
                let postgres = try await PostgresRAGStore(url: database.url, vectorExtension: kind == .pgvector)
                #expect(postgres.usesVectorExtension == (kind == .pgvector), "pgvector is used exactly when asked for and present")
                store = postgres
                self.database = database
            }
            let docs = folder.appendingPathComponent("docs")
            try FileManager.default.createDirectory(at: docs.appendingPathComponent("arabic"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: docs.appendingPathComponent(".git"), withIntermediateDirectories: true)
            try "# Boarding\n\nPassengers board the ferry at the north pier.\n\n# Tickets\n\nTickets are checked at the gate.".write(to: docs.appendingPathComponent("guide.md"), atomically: true, encoding: .utf8)
            try "Life jackets are stored under every seat.".write(to: docs.appendingPathComponent("safety.txt"), atomically: true, encoding: .utf8)
            try "# اللباس\n\nيجب أن تكون اللحية قصيرة ومرتبة.".write(to: docs.appendingPathComponent("arabic/rules.md"), atomically: true, encoding: .utf8)
            try Data([0x89, 0x50, 0x4E, 0x47, 0, 0, 0]).write(to: docs.appendingPathComponent("map.png"))
            try Data().write(to: docs.appendingPathComponent("empty.txt"))
            try "ignored".write(to: docs.appendingPathComponent(".git/config"), atomically: true, encoding: .utf8)
        }

        var docs: String { folder.appendingPathComponent("docs").path }

        func ingest(_ options: IngestOptions = IngestOptions(), embedder: (any Embedder)? = nil, sources: [IngestSource]? = nil) async throws -> IngestSummary {
            try await Ingestor(store: store, embedder: embedder ?? self.embedder).ingest(sources ?? [.path(docs)], options: options)
        }

        func remove() async {
            try? FileManager.default.removeItem(at: folder)
            (store as? PostgresRAGStore)?.shutdown()
            await database?.drop()
        }
    }

    @Test("a folder is ingested recursively; unreadable files are skipped with the reason; hidden ones are left out", arguments: StoreKind.available)
    func ingestFolder(_ kind: StoreKind) async throws {
        let library = try await Library(kind)
        do { try await ingestFolder(library) } catch { await library.remove(); throw error }
        await library.remove()
    }

    private func ingestFolder(_ library: Library) async throws {
        let summary = try await library.ingest()
        #expect(Set(summary.added) == Set(["guide.md", "safety.txt", "arabic/rules.md"].map { library.docs + "/" + $0 }))
        #expect(Set(summary.skipped.map { ($0.path as NSString).lastPathComponent }) == ["map.png", "empty.txt"])
        #expect(summary.skipped.first { $0.path.hasSuffix("empty.txt") }?.reason == "an empty file")
        #expect(summary.chunks == 4 && summary.embedded == 4)
        let collection = try #require(try await library.store.collection("default"))
        #expect(collection.documents == 3 && collection.chunks == 4 && collection.embeddingModel == "test-hashing" && collection.dimensions == 64)
    }

    @Test("lexical, vector and hybrid search find the passage, with its document, section and offsets; Arabic matches across forms", arguments: StoreKind.available)
    func search(_ kind: StoreKind) async throws {
        let library = try await Library(kind)
        do { try await search(library) } catch { await library.remove(); throw error }
        await library.remove()
    }

    private func search(_ library: Library) async throws {
        _ = try await library.ingest()
        let retriever = Retriever(store: library.store, embedder: library.embedder)
        for mode in SearchMode.allCases {
            let found = try await retriever.search(SearchRequest(query: "where do passengers board the ferry?", topK: 2, mode: mode))
            #expect(found.mode == mode)
            let best = try #require(found.results.first)
            #expect(best.chunk.document == library.docs + "/guide.md", "\(mode)")
            #expect(best.chunk.section == ["Boarding"])
            #expect(best.chunk.text == "Passengers board the ferry at the north pier.")
        }
        // Harakat and other letter forms in the query still match the indexed text.
        let arabic = try await retriever.search(SearchRequest(query: "اللِّحْيَة", topK: 1, mode: .lexical))
        #expect(arabic.results.first?.chunk.document.hasSuffix("arabic/rules.md") == true)
        // Filters: a path glob.
        let filtered = try await retriever.search(SearchRequest(query: "ferry tickets gate jackets", topK: 5, mode: .hybrid, filters: SearchFilters(path: "*.txt")))
        #expect(filtered.results.map(\.chunk.document) == [library.docs + "/safety.txt"])
        let json = try JSONEncoder().encode(filtered.json)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let first = try #require((object["results"] as? [[String: Any]])?.first)
        #expect(Set(first.keys).isSuperset(of: ["document", "section", "page", "chunk_id", "score", "text"]))
        #expect(first["page"] is NSNull, "a passage without a page says null")
        #expect((object["timings"] as? [String: Any])?.keys.sorted() == ["embed_ms", "search_ms"])
    }

    @Test("re-ingesting: unchanged files are skipped, a changed file re-embeds only its changed passages, --sync removes gone files", arguments: StoreKind.available)
    func reingest(_ kind: StoreKind) async throws {
        let library = try await Library(kind)
        do { try await reingest(library) } catch { await library.remove(); throw error }
        await library.remove()
    }

    private func reingest(_ library: Library) async throws {
        _ = try await library.ingest()
        let before = library.embedder.embedded.withLock { $0 }
        let again = try await library.ingest()
        #expect(again.unchanged.count == 3 && again.added.isEmpty && again.embedded == 0)
        try "# Boarding\n\nPassengers board the ferry at the north pier.\n\n# Tickets\n\nTickets are checked at the gate, and again on board.".write(toFile: library.docs + "/guide.md", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: library.docs + "/safety.txt")
        let changed = try await library.ingest(IngestOptions(sync: true))
        #expect(changed.updated == [library.docs + "/guide.md"])
        #expect(changed.embedded == 1 && changed.reused == 1, "only the edited passage is embedded again")
        #expect(changed.removed == [library.docs + "/safety.txt"])
        #expect(library.embedder.embedded.withLock { $0 } == before + 1)
        let collection = try #require(try await library.store.collection("default"))
        #expect(collection.documents == 2 && collection.chunks == 3)
        if let sqlite = library.store as? SQLiteRAGStore {
            let fts = try await sqlite.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chunks_fts") }
            #expect(fts == 3, "the lexical index follows the chunks")
        }
    }

    @Test("a collection remembers its embedding model: another one is a clear error; without any, search is lexical and says so", arguments: StoreKind.available)
    func models(_ kind: StoreKind) async throws {
        let library = try await Library(kind)
        do { try await models(library) } catch { await library.remove(); throw error }
        await library.remove()
    }

    private func models(_ library: Library) async throws {
        _ = try await library.ingest()
        await #expect(throws: FerryError.self) { _ = try await library.ingest(embedder: HashingEmbedder(name: "other-model")) }
        do {
            _ = try await Retriever(store: library.store, embedder: HashingEmbedder(name: "other-model")).search(SearchRequest(query: "ferry"))
            Issue.record("a search with another model must fail")
        } catch let error as FerryError {
            #expect(error.message.contains("test-hashing") && error.message.contains("other-model"))
            #expect(error.hint.contains("--collection"))
        }
        let lexical = try await Retriever(store: library.store, embedder: nil).search(SearchRequest(query: "ferry pier"))
        #expect(lexical.mode == .lexical && lexical.notice?.contains("no embedding model") == true)
        #expect(lexical.results.first?.chunk.section == ["Boarding"])

        let plain = try await Ingestor(store: library.store, embedder: nil).ingest([.upload(name: "note.txt", data: Data("Ferries cross the bay.".utf8))], options: IngestOptions(collection: "plain"))
        #expect(plain.notice?.contains("lexical search only") == true)
        let found = try await Retriever(store: library.store, embedder: library.embedder).search(SearchRequest(query: "bay", collection: "plain"))
        #expect(found.mode == .lexical && found.notice?.contains("has no vectors") == true && found.results.count == 1)
        await #expect(throws: FerryError.self) { _ = try await Retriever(store: library.store, embedder: nil).search(SearchRequest(query: "x", collection: "missing")) }
    }

    @Test("standard-input-like and uploaded sources are stored under their names; collections can be deleted", arguments: StoreKind.available)
    func uploadsAndCollections(_ kind: StoreKind) async throws {
        let library = try await Library(kind)
        do { try await uploadsAndCollections(library) } catch { await library.remove(); throw error }
        await library.remove()
    }

    private func uploadsAndCollections(_ library: Library) async throws {
        let odd = "a \"quoted\" key.with $[dots]"
        let summary = try await library.ingest(IngestOptions(collection: "uploads", metadata: ["team": "crew", odd: "yes"]), sources: [.upload(name: "notes.md", data: Data("# Notes\n\nThe crew meets at dawn.".utf8))])
        #expect(summary.added == ["notes.md"])
        let found = try await Retriever(store: library.store, embedder: library.embedder).search(SearchRequest(query: "crew dawn", collection: "uploads", filters: SearchFilters(metadata: ["team": "crew"])))
        #expect(found.results.first?.chunk.document == "notes.md")
        // A key of any characters is compared as it is: no JSON path to break.
        let oddKey = try await Retriever(store: library.store, embedder: library.embedder).search(SearchRequest(query: "crew dawn", collection: "uploads", filters: SearchFilters(metadata: [odd: "yes"])))
        #expect(oddKey.results.first?.chunk.document == "notes.md")
        let otherKey = try await Retriever(store: library.store, embedder: library.embedder).search(SearchRequest(query: "crew dawn", collection: "uploads", filters: SearchFilters(metadata: ["a \"quoted": "yes"])))
        #expect(otherKey.results.isEmpty)
        let none = try await Retriever(store: library.store, embedder: library.embedder).search(SearchRequest(query: "crew dawn", collection: "uploads", filters: SearchFilters(metadata: ["team": "other"])))
        #expect(none.results.isEmpty)
        #expect(try await library.store.deleteCollection("uploads"))
        #expect(try await library.store.collection("uploads") == nil)
        #expect(try await library.store.deleteCollection("uploads") == false)
    }

    @Test("an ingest and searches running at once both succeed", arguments: StoreKind.available)
    func concurrent(_ kind: StoreKind) async throws {
        let library = try await Library(kind)
        do { try await concurrent(library) } catch { await library.remove(); throw error }
        await library.remove()
    }

    private func concurrent(_ library: Library) async throws {
        _ = try await library.ingest()
        let many = (0..<60).map { IngestSource.upload(name: "doc\($0).txt", data: Data("Document \($0) about ferries and piers number \($0).".utf8)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await library.ingest(sources: many) }
            group.addTask {
                let retriever = Retriever(store: library.store, embedder: library.embedder)
                for _ in 0..<30 {
                    let found = try await retriever.search(SearchRequest(query: "north pier", topK: 3))
                    #expect(!found.results.isEmpty)
                }
            }
            try await group.waitForAll()
        }
        #expect(try await library.store.collection("default")?.documents == 63)
    }

    @Test("maximal marginal relevance trades a duplicate for a different passage", arguments: StoreKind.available)
    func mmr(_ kind: StoreKind) async throws {
        let library = try await Library(kind)
        do { try await mmr(library) } catch { await library.remove(); throw error }
        await library.remove()
    }

    private func mmr(_ library: Library) async throws {
        let sources: [IngestSource] = [
            .upload(name: "a.txt", data: Data("The ferry timetable lists departures every hour from the pier.".utf8)),
            .upload(name: "b.txt", data: Data("The ferry timetable lists departures every hour from the pier!".utf8)),
            .upload(name: "c.txt", data: Data("Ferry departures from the pier: the timetable, every hour.".utf8)),
            .upload(name: "d.txt", data: Data("Ferry tickets cost five euros at the pier kiosk.".utf8)),
        ]
        _ = try await library.ingest(IngestOptions(collection: "mmr"), sources: sources)
        let retriever = Retriever(store: library.store, embedder: library.embedder)
        let plain = try await retriever.search(SearchRequest(query: "ferry timetable departures pier", collection: "mmr", topK: 2, mode: .vector))
        #expect(Set(plain.results.map(\.chunk.document)).isSubset(of: ["a.txt", "b.txt", "c.txt"]), "the near-duplicates rank first")
        let diverse = try await retriever.search(SearchRequest(query: "ferry timetable departures pier", collection: "mmr", topK: 2, mode: .vector, mmrLambda: 0.3))
        #expect(diverse.results.map(\.chunk.document).contains("d.txt"), "\(diverse.results.map(\.chunk.document))")
    }

    @Test("in CI the store tests run on PostgreSQL too")
    func postgresInCI() {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            #expect(TestDatabase.adminURL != nil, ".ci/run starts a PostgreSQL and sets FERRY_TEST_POSTGRES_URL")
        }
    }
}

@Suite("Sessions, on SQLite and on PostgreSQL")
struct ConversationStoreTests {
    @Test("turns are numbered and kept with their citations; a summary covers the older ones; sessions are deleted", arguments: StoreKind.available)
    func sessions(_ kind: StoreKind) async throws {
        let library = try await IngestAndSearchTests.Library(kind)
        defer { Task { await library.remove() } }
        let store = library.store
        #expect(try await store.conversation(id: "s_1") == nil)
        let first = try await store.appendTurn(ConversationTurn(number: 0, question: "ما هي قواعد اللحية؟", answer: "قصيرة [1].", mode: .simple, citations: [.init(n: 1, document: "rules.md", chunkID: "abc")]), to: "s_1", collection: "handbook")
        let second = try await store.appendTurn(ConversationTurn(number: 0, question: "and officers?", answer: "Approval [2].", query: "beard rules officers", mode: .adaptive), to: "s_1", collection: "handbook")
        #expect(first == 1 && second == 2)
        try await store.summarize("s_1", summary: "Beards were asked about.", through: 1)
        let kept = try #require(try await store.conversation(id: "s_1"))
        #expect(kept.collection == "handbook" && kept.summary == "Beards were asked about." && kept.summarizedThrough == 1)
        #expect(kept.turns.map(\.number) == [1, 2] && kept.turns[0].citations == [.init(n: 1, document: "rules.md", chunkID: "abc")])
        #expect(kept.turns[1].query == "beard rules officers" && kept.turns[1].mode == .adaptive && kept.recentTurns.map(\.number) == [2])
        let deleted = try await store.deleteConversation(id: "s_1")
        let again = try await store.deleteConversation(id: "s_1")
        #expect(deleted && !again)
        #expect(try await store.conversation(id: "s_1") == nil)
    }
}
