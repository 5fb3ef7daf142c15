import FerryCache
import FerryCore
import FerryRAG
import Foundation
import Hummingbird

extension Gateway {
    /// What `/api/query`'s cache key is made of: the question (trimmed, spaces collapsed), how it is answered, and
    /// the collection's version — so ingesting or deleting a document makes earlier answers unreachable.
    struct QueryCacheForm: Encodable {
        var question: String
        var mode: QueryMode
        var collection: String
        var version: Int64
        var topK: Int?
        var path: String?
        var metadata: [String: String]
        var maxTokens: Int?
        var temperature: Double?
    }

    /// The cache's decision for a question: only a question without earlier turns (a follow-up's answer depends on
    /// its session), to a collection that exists, with no sampling temperature other than 0 asked.
    func queryCacheUse(_ question: AnswerRequest, route: String, request: Request, documents: DocumentService) async throws -> CacheUse {
        guard let cache, cache.settings.policy(for: route).enabled else { return .off }
        if let temperature = question.sampling.temperature, temperature != 0, question.sampling.seed == nil { return .bypass }
        if case .session(let id?) = question.context, let conversation = try await documents.store.conversation(id: id), !conversation.turns.isEmpty { return .bypass }
        guard let version = try await documents.store.descriptor(of: question.collection)?.version else { return .bypass }
        let form = QueryCacheForm(
            question: question.question.split(whereSeparator: \.isWhitespace).joined(separator: " "), mode: question.mode, collection: question.collection,
            version: version, topK: question.topK, path: question.filters.path, metadata: question.filters.metadata,
            maxTokens: question.sampling.maxTokens, temperature: question.sampling.temperature
        )
        return try cacheUse(route: route, sampling: nil, request: request) { try CacheKey.other("query", form, route: route, tenant: $0) }
    }

    /// A stored answer given to this question: its session gets the turn (a new one when it names none), its
    /// timings are this request's.
    func reuse(_ stored: AnswerSummary, for question: AnswerRequest, documents: DocumentService, begun: ContinuousClock.Instant) async throws -> AnswerSummary {
        var summary = stored
        var sessionID: String?
        if case .session(let id) = question.context { sessionID = id ?? Conversation.newID() }
        summary.sessionID = sessionID
        if let sessionID {
            let turn = ConversationTurn(
                number: 0, question: question.question, answer: summary.answer, query: summary.queries.first == question.question ? nil : summary.queries.first,
                mode: question.mode, citations: summary.sources.filter(\.cited).map { .init(n: $0.n, document: $0.document, chunkID: $0.chunkID) }
            )
            try await documents.store.appendTurn(turn, to: sessionID, collection: question.collection)
        }
        summary.timings = AnswerTimings()
        summary.timings.totalMilliseconds = (ContinuousClock.now - begun).seconds * 1000
        return summary
    }

    /// An answer's events replayed from a summary: its sources, its text as one piece, the summary.
    static func replayedEvents(_ summary: AnswerSummary) -> AsyncThrowingStream<AnswerEvent, any Error> {
        AsyncThrowingStream { continuation in
            continuation.yield(.sources(AnswerSources(sources: summary.sources, sessionID: summary.sessionID, queries: summary.queries)))
            continuation.yield(.delta(summary.answer))
            continuation.yield(.done(summary))
            continuation.finish()
        }
    }
}
