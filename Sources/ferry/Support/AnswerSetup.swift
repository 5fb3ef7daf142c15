import ArgumentParser
import FerryConfig
import FerryCore
import FerryRAG
import FerryServer

/// What `ferry query` and `ferry chat --rag` answer with: the configured routes (launched backends run for as long
/// as the command), the document store and embedding model, and the answering settings.
struct AnswerSetup: ShutsDown {
    let routes: ConfiguredRouter
    let rag: RAGSetup
    /// The collections' vector indexes, kept across questions.
    let indexes = VectorIndexCache()

    /// Over routes already made (`ferry chat`'s); shutting down stops the store, not the routes' owner's.
    static func make(routes: ConfiguredRouter) async throws -> AnswerSetup {
        AnswerSetup(routes: routes, rag: try await RAGSetup.make(routes.configuration, router: routes))
    }

    static func load(config: String?) async throws -> AnswerSetup {
        let routes = try await ConfiguredRouter.load(file: config)
        do {
            return AnswerSetup(routes: routes, rag: try await RAGSetup.make(routes.configuration, router: routes))
        } catch {
            await routes.shutdown()
            throw error
        }
    }

    var settings: RAGSettings { rag.settings }

    /// An answerer whose answers `requested` (a route, default `rag.answer.route`, else the only route or
    /// `default`) writes.
    func answerer(route requested: String?) throws -> Answerer {
        let router = routes.router
        let route: String
        do {
            route = try AnswerModel.answerRoute(requested: requested, configured: settings.answerRoute, router: router)
        } catch let error as FerryError {
            throw ValidationError("\(error.message); \(error.hint)")
        }
        return Answerer.routed(router, route: route, retriever: Retriever(store: rag.store, embedder: rag.embedder, cache: indexes), rerankRoute: settings.rerankRoute, options: settings.answering)
    }

    func shutdown() async {
        await rag.shutdown()
        await routes.shutdown()
    }
}
