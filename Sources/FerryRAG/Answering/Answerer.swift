import CoreMetrics
import FerryCore
import Foundation
import Logging

/// Answers questions from a collection with their sources: retrieves passages, numbers them in a grounded
/// prompt, streams the model's answer, maps its `[n]` marks back to the sources, and keeps the session.
///
/// The steps are decided by ``StateMachine``; this type carries them out (the model, the store, the clock). Each
/// answer is counted in `ferry_answers_total{mode, outcome}` (`answered`, `not_covered`, `failed`) and timed in
/// `ferry_answer_seconds{step}` (`retrieval`, `generation`, `total`).
///
/// ```swift
/// let answerer = Answerer(retriever: retriever, model: AnswerModel(route: "default", model: router))
/// let summary = try await answerer.answer(AnswerRequest(question: "ما هي عاصمة مصر؟")) { event in
///     if case .delta(let text) = event { print(text, terminator: "") }
/// }
/// for source in summary.citedSources { print("[\(source.n)] \(source.place)") }
/// ```
public struct Answerer: Sendable {
    public let retriever: Retriever
    public let model: AnswerModel
    public let reranker: (any Reranker)?
    public let options: AnsweringOptions
    let logger: Logger
    let metrics: any MetricsFactory

    public init(retriever: Retriever, model: AnswerModel, reranker: (any Reranker)? = nil, options: AnsweringOptions = AnsweringOptions(), logger: Logger = Logger(label: "ferry.answers"), metrics: any MetricsFactory = MetricsSystem.factory) {
        self.retriever = retriever
        self.model = model
        self.reranker = reranker
        self.options = options
        self.logger = logger
        self.metrics = metrics
    }

    /// Counts and times an answer that ended (`summary`) or failed (nil).
    func record(_ summary: AnswerSummary?, mode: QueryMode) {
        let outcome = summary.map { $0.covered ? "answered" : "not_covered" } ?? "failed"
        Counter(label: "ferry_answers_total", dimensions: [("mode", mode.rawValue), ("outcome", outcome)], factory: metrics).increment()
        guard let timings = summary?.timings else { return }
        for (step, milliseconds) in [("retrieval", timings.retrievalMilliseconds), ("generation", timings.generationMilliseconds), ("total", timings.totalMilliseconds)] {
            Timer(label: "ferry_answer_seconds", dimensions: [("step", step)], factory: metrics).recordNanoseconds(Int64(milliseconds * 1_000_000))
        }
    }

    var store: any RAGStore { retriever.store }

    /// Answers `request`, passing each event to `onEvent` as it comes (the sources, the answer's pieces, the
    /// summary); returns the summary. A failure before the answer has begun is thrown; `onEvent`'s own errors (a
    /// client gone) stop the answer.
    @discardableResult
    public func answer(_ request: AnswerRequest, onEvent: (AnswerEvent) async throws -> Void = { _ in }) async throws -> AnswerSummary {
        do {
            let summary = try await run(request, onEvent: onEvent)
            record(summary, mode: request.mode)
            return summary
        } catch {
            record(nil, mode: request.mode)
            throw error
        }
    }

    private func run(_ request: AnswerRequest, onEvent: (AnswerEvent) async throws -> Void) async throws -> AnswerSummary {
        try validate(request)
        let clock = ContinuousClock()
        let begun = clock.now
        var timings = AnswerTimings()
        var machine = StateMachine(request: request, options: options, hasReranker: reranker != nil)
        var sessionID: String?
        var conversation: Conversation?
        if case .session(let id) = request.context {
            sessionID = id ?? Conversation.newID()
            if let id { conversation = try await store.conversation(id: id) }
        }
        var queries = [request.question]
        var usage: Usage?
        var action = machine.start(conversation: conversation)
        while true {
            switch action {
            case .summarize(let messages, let through):
                let started = clock.now
                var summary: String?
                do {
                    summary = try await model.complete(chat(messages, maxTokens: 200, temperature: 0)).trimmingWhitespace()
                    if let sessionID, let summary, !summary.isEmpty { try await store.summarize(sessionID, summary: summary, through: through) }
                } catch {
                    logger.warning("could not summarise the session's older turns; they are left out of the prompt", metadata: ["session": "\(sessionID ?? "")", "error": "\(error)"])
                }
                timings.preparationMilliseconds += (clock.now - started).seconds * 1000
                action = machine.summarized(summary)
            case .rewrite(let messages):
                let started = clock.now
                var query: String?
                do {
                    query = GroundedPrompt.parseRewrite(try await model.complete(chat(messages, maxTokens: 64, temperature: 0)))
                } catch {
                    logger.warning("could not rewrite the question; searching it with its context as asked", metadata: ["error": "\(error)"])
                }
                timings.preparationMilliseconds += (clock.now - started).seconds * 1000
                action = machine.rewritten(query)
            case .retrieve(let searched):
                queries = searched
                let started = clock.now
                do {
                    let passages = try await retrieve(searched, request: request)
                    timings.retrievalMilliseconds += (clock.now - started).seconds * 1000
                    action = machine.retrieved(passages)
                } catch {
                    action = machine.failed(Self.located(error, step: "retrieval"))
                }
            case .rerank(let query, let passages):
                let started = clock.now
                action = machine.reranked(await rerank(query, passages))
                timings.retrievalMilliseconds += (clock.now - started).seconds * 1000
            case .answerUncovered(let text, let searched):
                try await onEvent(.sources(AnswerSources(sources: [], sessionID: sessionID, queries: searched)))
                try await onEvent(.delta(text))
                machine.answeredUncovered()
                action = .finish(answer: text, sources: [], citations: [], backend: nil)
            case .generate(let messages, let sources, let searched):
                let started = clock.now
                action = .none
                do {
                    // The sources go out once the model has begun: a model that cannot answer is an error, not a
                    // list of sources without an answer.
                    let generation = try await model.generate(chat(messages, sampling: request.sampling))
                    machine.generationBegan(backend: generation.backend)
                    try await onEvent(.sources(AnswerSources(sources: sources, sessionID: sessionID, queries: searched)))
                    reading: for try await event in generation.events {
                        if case .finish(let finish) = event { usage = finish.usage }
                        switch machine.received(event) {
                        case .emit(let text): try await onEvent(.delta(text))
                        case .none: continue
                        case let next:
                            action = next
                            break reading
                        }
                    }
                    if case .none = action { action = machine.streamEnded() }
                } catch let error as FerryError {
                    action = machine.failed(error)
                }
                timings.generationMilliseconds = (clock.now - started).seconds * 1000
            case .finish(let answer, let sources, let citations, let backend):
                if let sessionID {
                    let turn = ConversationTurn(
                        number: 0, question: request.question, answer: answer, query: queries.first == request.question ? nil : queries.first, mode: request.mode,
                        citations: sources.filter(\.cited).map { .init(n: $0.n, document: $0.document, chunkID: $0.chunkID) }
                    )
                    do {
                        try await store.appendTurn(turn, to: sessionID, collection: request.collection)
                    } catch {
                        logger.error("could not keep the turn in the session", metadata: ["session": "\(sessionID)", "error": "\(error)"])
                    }
                }
                timings.totalMilliseconds = (clock.now - begun).seconds * 1000
                let summary = AnswerSummary(
                    answer: answer, sources: sources, citations: citations, sessionID: sessionID, mode: request.mode, backend: backend,
                    covered: backend != nil || !sources.isEmpty, queries: queries, language: QuestionLanguage.detect(request.question), usage: usage, timings: timings
                )
                try await onEvent(.done(summary))
                return summary
            case .fail(let error):
                throw error
            case .emit, .none:
                throw FerryError(code: .upstreamFailure, message: "Answering stopped in an unexpected step", hint: "this is a bug in Ferry; report it with the request")
            }
        }
    }

    func validate(_ request: AnswerRequest) throws {
        let question = request.question.trimmingWhitespace()
        guard !question.isEmpty else { throw FerryError.invalidRequest("must not be empty", field: "question") }
        guard question.count <= 4000 else { throw FerryError.invalidRequest("is \(question.count) characters; at most 4,000 are accepted", field: "question") }
        if let topK = request.topK, !(1...50).contains(topK) { throw FerryError.invalidRequest("must be between 1 and 50, got \(topK)", field: "top_k") }
        if case .session(let id?) = request.context, !Conversation.isValidID(id) {
            throw FerryError.invalidRequest("must be 1 to 128 letters, digits, - _ . or :, as returned by an earlier answer", field: "session_id")
        }
    }

    /// A request to the answering route; the client's sampling wins over the defaults.
    func chat(_ messages: [ChatMessage], sampling: SamplingParameters = SamplingParameters(), maxTokens: Int? = nil, temperature: Double? = nil) -> ChatRequest {
        var request = ChatRequest(model: model.route, messages: messages, includeUsage: true)
        request.sampling = sampling
        request.sampling.maxTokens = min(sampling.maxTokens ?? maxTokens ?? options.maxAnswerTokens, maxTokens ?? options.maxAnswerTokens)
        request.sampling.temperature = sampling.temperature ?? temperature ?? options.temperature
        return request
    }

    // MARK: Retrieval

    /// Searches each query (hybrid when the collection has vectors), fuses the lists by reciprocal rank, and
    /// measures the passages: cosine to the nearest query when there are vectors, term coverage otherwise, and
    /// their length in the model's tokens.
    func retrieve(_ queries: [String], request: AnswerRequest) async throws -> [RetrievedPassage] {
        let topK = request.topK ?? options.topK
        let pool = reranker == nil ? topK : max(options.rerankCandidates, topK)
        var vectors: [[Float]?] = queries.map { _ in nil }
        if let embedder = retriever.embedder, let descriptor = try await store.descriptor(of: request.collection), descriptor.embeddingModel == embedder.modelName {
            vectors = try await embedder.embed(queries, as: .query).map { VectorCodec.normalized($0) }
        }
        var lists: [[SearchResponse.Hit]] = []
        for (query, vector) in zip(queries, vectors) {
            lists.append(try await retriever.search(SearchRequest(query: query, collection: request.collection, topK: pool, mode: .hybrid, filters: request.filters, queryVector: vector)).results)
        }
        var hits = lists[0]
        if lists.count > 1 {
            var chunks: [Int64: StoredChunk] = [:]
            for list in lists { for hit in list { chunks[hit.chunk.rowID] = hit.chunk } }
            let fused = Retriever.fuse(lists.map { $0.map { ($0.chunk.rowID, $0.score) } }, constant: retriever.fusionConstant)
            hits = fused.prefix(pool).compactMap { item in chunks[item.row].map { SearchResponse.Hit(chunk: $0, score: item.score) } }
        }
        var passages = hits.map { RetrievedPassage(chunk: $0.chunk, score: $0.score) }
        let queryVectors = vectors.compactMap { $0 }
        if !queryVectors.isEmpty {
            let stored = try await store.vectors(rows: passages.map(\.chunk.rowID))
            for index in passages.indices {
                guard let vector = stored[passages[index].chunk.rowID] else { continue }
                passages[index].cosine = Double(queryVectors.map { Retriever.cosine($0, vector) }.max() ?? 0)
            }
        }
        let termLists = queries.map { Set(QueryTerms.terms($0)) }
        for index in passages.indices {
            let words = Set(TextNormalizer.indexForm(passages[index].chunk.text).split(separator: " ").map(String.init))
            passages[index].coverage = termLists.map { terms in terms.isEmpty ? 0 : Double(terms.intersection(words).count) / Double(terms.count) }.max() ?? 0
        }
        let texts = passages.map(\.chunk.text)
        let counted = (try? await model.countTokens(texts)) ?? nil
        for index in passages.indices {
            passages[index].tokens = counted?[index] ?? EstimatedTokenCounter.estimate(texts[index])
        }
        return passages
    }

    /// The passages in the reranker's order with its scores; nil when it failed (logged).
    func rerank(_ query: String, _ passages: [RetrievedPassage]) async -> [RetrievedPassage]? {
        guard let reranker else { return nil }
        do {
            let order = try await reranker.rerank(query: query, passages: passages.map(\.chunk.text))
            return order.compactMap { result in
                guard passages.indices.contains(result.index) else { return nil }
                var passage = passages[result.index]
                passage.score = result.score
                return passage
            }
        } catch {
            logger.warning("reranking failed; the passages keep retrieval's order", metadata: ["error": "\(error)"])
            return nil
        }
    }

    static func located(_ error: any Error, step: String) -> FerryError {
        if let error = error as? FerryError { return error }
        return FerryError(code: .upstreamFailure, message: "The answer's \(step) failed: \(error)", hint: "check the document store (ferry collections), then retry")
    }
}
