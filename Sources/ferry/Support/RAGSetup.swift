import ArgumentParser
import FerryConfig
import FerryCore
import FerryLaunch
import FerryRAG
import Foundation

/// The document store and the embedding model the RAG commands work with, from the configuration: the embedded
/// e5 model (installed on first use, progress on standard error), a configured route (through the router, whose
/// launched backends then run for as long as the command), or none.
struct RAGSetup: ShutsDown {
    let settings: RAGSettings
    let store: any RAGStore
    let embedder: (any Embedder)?
    /// Why there is no embedder, when there is none.
    let noEmbedderReason: String?
    let router: ConfiguredRouter?

    static func load(config: String?, needEmbedder: Bool = true) async throws -> RAGSetup {
        let configuration: FerryConfiguration
        do {
            configuration = try await ConfigurationLoader.load(file: config)
        } catch {
            throw ValidationError(error.description)
        }
        return try await make(configuration, needEmbedder: needEmbedder)
    }

    /// `router`: a router the caller has already made (and shuts down), for a configured embedding route.
    static func make(_ configuration: FerryConfiguration, needEmbedder: Bool = true, router shared: ConfiguredRouter? = nil) async throws -> RAGSetup {
        let settings = configuration.rag
        let store = try await openStore(settings)
        guard needEmbedder else { return RAGSetup(settings: settings, store: store, embedder: nil, noEmbedderReason: nil, router: nil) }
        switch settings.embedding {
        case .none:
            return RAGSetup(settings: settings, store: store, embedder: nil, noEmbedderReason: "rag.embedding.route is none", router: nil)
        case .embedded(let threads):
            do {
                return RAGSetup(settings: settings, store: store, embedder: try await embeddedModel(threads: threads), noEmbedderReason: nil, router: nil)
            } catch {
                FileHandle.standardError.write(Data("ferry: the embedded embedding model is not available (\(error)); lexical search only\n".utf8))
                return RAGSetup(settings: settings, store: store, embedder: nil, noEmbedderReason: "the embedded embedding model could not be installed: \(error)", router: nil)
            }
        case .route(let route, let roles):
            let router: ConfiguredRouter
            if let shared { router = shared } else { router = try await ConfiguredRouter.make(configuration) }
            return RAGSetup(settings: settings, store: store, embedder: LanguageModelEmbedder(model: router.router, name: route, roles: Self.roles(roles)), noEmbedderReason: nil, router: shared == nil ? router : nil)
        }
    }

    /// The configured store: PostgreSQL when `rag.postgres.url` is set, else the data folder's SQLite file.
    static func openStore(_ settings: RAGSettings) async throws -> any RAGStore {
        do {
            if let url = settings.postgresURL { return try await PostgresRAGStore(url: url, vectorExtension: settings.postgresVectorExtension) }
            return try SQLiteRAGStore(path: settings.storePath)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    static func roles(_ roles: RAGSettings.Roles) -> LanguageModelEmbedder.Roles {
        switch roles {
        case .none: .none
        case .inputType: .inputType
        case .e5: .prefixes(query: "query: ", passage: "passage: ")
        }
    }

    /// Ferry's embedded e5 model, installed into the engine's venv on first use.
    static func embeddedModel(threads: Int?) async throws -> E5Embedder {
        let engine = EmbeddedEngine()
        if engine.embedderFiles == nil {
            try await engine.prepareEmbedder { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        guard let files = engine.embedderFiles else {
            throw FerryError(code: .configuration, message: "the embedding model's files are missing from \(engine.directory.path)", hint: "run `ferry engine install --force`")
        }
        return try E5Embedder(library: files.library, model: files.model, threads: threads)
    }

    var chunking: ChunkingOptions { ChunkingOptions(maxTokens: settings.chunkTokens, overlapTokens: settings.chunkOverlap) }

    var reader: DocumentReader { DocumentReader(maxBytes: settings.maxFileMegabytes << 20) }

    func shutdown() async {
        await router?.shutdown()
        (store as? PostgresRAGStore)?.shutdown()
    }
}
