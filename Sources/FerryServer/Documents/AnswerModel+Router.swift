import FerryCore
import FerryRAG
import FerryRouter

extension AnswerModel {
    /// Answers written by a route of `router` (retries, fallback), with the backend that answered, and its
    /// tokenizer when the backend has one.
    ///
    /// ```swift
    /// let model = AnswerModel.routed(router, route: "default")
    /// ```
    public static func routed(_ router: FerryRouter.Router, route: String) -> AnswerModel {
        AnswerModel(route: route) { request in
            let routed = try await router.routedStreamChat(request)
            return (routed.backend, routed.value)
        } countTokens: { texts in
            try await router.countTokens(texts, model: route)
        }
    }

    /// The name to ask for the route that writes answers: the one `requested`, else the `configured` one
    /// (`rag.answer.route`), else the router's only route, else `default` — a route by its ``askedName(_:)``.
    public static func answerRoute(requested: String?, configured: String?, router: FerryRouter.Router) throws -> String {
        if let named = requested ?? configured {
            let route = try router.route(for: named)
            return route.name == named ? askedName(route) : named
        }
        let routes = router.routes
        return askedName(routes.count == 1 ? routes[0] : try router.route(for: "default"))
    }

    /// The name to ask for `route` by: its first alias when it has one — the served model's name, by convention —
    /// since backends that name no model themselves get the asked name.
    public static func askedName(_ route: Route) -> String {
        route.aliases.first ?? route.name
    }
}

extension Answerer {
    /// An answerer whose answers `route` of `router` writes, reranked by `rerankRoute` when one is configured.
    ///
    /// ```swift
    /// let answerer = Answerer.routed(router, route: "default", retriever: retriever, rerankRoute: nil, options: options)
    /// ```
    public static func routed(_ router: FerryRouter.Router, route: String, retriever: Retriever, rerankRoute: String?, options: AnsweringOptions) -> Answerer {
        let reranker = rerankRoute.map { LanguageModelReranker(model: router, route: $0) as any Reranker }
        return Answerer(retriever: retriever, model: .routed(router, route: route), reranker: reranker, options: options)
    }
}
