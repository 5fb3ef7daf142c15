import FerryCore
import FerryRAG
import FerryRouter

extension DocumentService {
    /// An answerer whose answers `route` writes, through the router (retries, fallback), with the configured
    /// reranking route.
    func answerer(router: FerryRouter.Router, route: String) async -> Answerer {
        Answerer.routed(router, route: route, retriever: await retriever(), rerankRoute: answers.rerankRoute, options: answers.options)
    }

    /// The name to ask for the route that writes `/api/query`'s answers.
    func answerRoute(requested: String?, router: FerryRouter.Router) throws -> String {
        try AnswerModel.answerRoute(requested: requested, configured: answers.route, router: router)
    }
}
