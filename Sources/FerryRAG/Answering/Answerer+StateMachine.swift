import FerryCore

extension Answerer {
    /// The life of one answer: remembering (older turns summarised), rewriting the question (adaptive), retrieving,
    /// reranking, then generating — or answering that the documents do not cover the question. Events return the
    /// action the handler (``Answerer``) carries out next; the machine itself does no I/O.
    struct StateMachine {
        /// What is known of the answer so far.
        struct Plan: Sendable {
            var request: AnswerRequest
            var language: QuestionLanguage
            var summary: String?
            /// The recent turns, as messages.
            var history: [ChatMessage]
            /// The question before this one, for the contextual query.
            var previousQuestion: String?
            var queries: [String] = []
            var backend: String?
        }

        enum State {
            case idle(AnswerRequest)
            case summarizing(Plan)
            case rewriting(Plan)
            case retrieving(Plan)
            case reranking(Plan, [RetrievedPassage])
            case generating(Plan, [AnswerSource], CitationScanner)
            case finished
            case failed
        }

        enum Action {
            /// Ask the model for a summary of `turns` (after `previous`), covering turns up to `through`.
            case summarize([ChatMessage], through: Int)
            /// Ask the model for a standalone query.
            case rewrite([ChatMessage])
            /// Search these queries (fused when several) and measure the passages.
            case retrieve([String])
            /// Rerank the passages against the query.
            case rerank(query: String, [RetrievedPassage])
            /// The documents do not cover the question: answer `text` without the model.
            case answerUncovered(text: String, queries: [String])
            /// Send the sources, then stream the model's answer to `messages`.
            case generate([ChatMessage], sources: [AnswerSource], queries: [String])
            /// Pass a piece of the answer on.
            case emit(String)
            /// Finish: the answer, its sources marked cited, the citations in order.
            case finish(answer: String, sources: [AnswerSource], citations: [Int], backend: String?)
            case fail(FerryError)
            case none
        }

        private(set) var state: State
        let options: AnsweringOptions
        let hasReranker: Bool

        init(request: AnswerRequest, options: AnsweringOptions, hasReranker: Bool) {
            state = .idle(request)
            self.options = options
            self.hasReranker = hasReranker
        }

        var topK: Int {
            guard case .idle(let request) = state else { return options.topK }
            return request.topK ?? options.topK
        }

        // MARK: Events

        /// The answer begins, with the session's conversation (nil: a new session, or a client's own history).
        mutating func start(conversation: Conversation?) -> Action {
            guard case .idle(let request) = state else { return invalid("start") }
            var plan = Plan(request: request, language: QuestionLanguage.detect(request.question), history: [])
            switch request.context {
            case .history(let messages):
                plan.history = ConversationMemory(budget: options.historyTokens).trim(messages)
                plan.previousQuestion = plan.history.last { $0.role == .user }?.text
            case .session:
                if let conversation {
                    let memory = ConversationMemory(budget: options.historyTokens).plan(conversation)
                    plan.summary = memory.summary
                    plan.history = GroundedPrompt.messages(memory.kept)
                    plan.previousQuestion = conversation.turns.last?.question
                    if let through = memory.toSummarize.last?.number {
                        state = .summarizing(plan)
                        return .summarize(GroundedPrompt.summarize(previous: memory.summary, turns: memory.toSummarize), through: through)
                    }
                }
            }
            return afterMemory(plan)
        }

        /// The model's summary of the older turns; nil when it failed (the older turns are then left out).
        mutating func summarized(_ summary: String?) -> Action {
            guard case .summarizing(var plan) = state else { return invalid("summarized") }
            if let summary, !summary.isEmpty { plan.summary = summary }
            return afterMemory(plan)
        }

        /// The model's standalone query; nil when it failed or gave nothing usable. A rewrite that shares no term
        /// with the question or the one before it (a small model's "The answer is:") is not searched.
        mutating func rewritten(_ query: String?) -> Action {
            guard case .rewriting(var plan) = state else { return invalid("rewritten") }
            let contextual = plan.previousQuestion.map { $0 + " " + plan.request.question } ?? plan.request.question
            let asked = Set(QueryTerms.terms(contextual))
            let usable = query.flatMap { !asked.isDisjoint(with: QueryTerms.terms($0)) ? $0 : nil }
            var queries: [String] = []
            for candidate in [usable, contextual].compactMap({ $0 }) where !queries.contains(candidate) { queries.append(candidate) }
            plan.queries = queries
            state = .retrieving(plan)
            return .retrieve(queries)
        }

        /// The passages found, best first, measured.
        mutating func retrieved(_ passages: [RetrievedPassage]) -> Action {
            guard case .retrieving(let plan) = state else { return invalid("retrieved") }
            if passages.isEmpty { return uncovered(plan) }
            if hasReranker {
                state = .reranking(plan, passages)
                return .rerank(query: plan.queries[0], passages)
            }
            return decide(plan, passages)
        }

        /// The passages in the reranker's order; nil when reranking failed (retrieval's order stands).
        mutating func reranked(_ passages: [RetrievedPassage]?) -> Action {
            guard case .reranking(let plan, let retrieved) = state else { return invalid("reranked") }
            return decide(plan, passages ?? retrieved)
        }

        /// The backend that answers has begun.
        mutating func generationBegan(backend: String) {
            guard case .generating(var plan, let sources, let scanner) = state else { return }
            plan.backend = backend
            state = .generating(plan, sources, scanner)
        }

        /// An event of the model's answer.
        mutating func received(_ event: ChatEvent) -> Action {
            guard case .generating(let plan, let sources, var scanner) = state else { return invalid("received") }
            switch event {
            case .textDelta(let text):
                scanner.consume(text)
                state = .generating(plan, sources, scanner)
                return .emit(text)
            case .finish:
                return streamEnded()
            case .error(let error):
                state = .failed
                return .fail(error)
            case .start, .toolCallDelta:
                return .none
            }
        }

        /// The model's stream has ended.
        mutating func streamEnded() -> Action {
            guard case .generating(let plan, var sources, let scanner) = state else { return .none }
            for index in sources.indices { sources[index].cited = scanner.cited.contains(sources[index].n) }
            state = .finished
            return .finish(answer: scanner.text, sources: sources, citations: scanner.cited, backend: plan.backend)
        }

        /// The uncovered answer has been sent.
        mutating func answeredUncovered() {
            state = .finished
        }

        /// A step failed in a way the answer cannot go on from.
        mutating func failed(_ error: FerryError) -> Action {
            switch state {
            case .finished, .failed: return .none
            default:
                state = .failed
                return .fail(error)
            }
        }

        // MARK: Steps

        private mutating func afterMemory(_ plan: Plan) -> Action {
            var plan = plan
            if plan.request.mode == .adaptive, !plan.history.isEmpty || plan.summary != nil {
                state = .rewriting(plan)
                return .rewrite(GroundedPrompt.rewrite(question: plan.request.question, summary: plan.summary, history: plan.history))
            }
            plan.queries = [plan.request.question]
            state = .retrieving(plan)
            return .retrieve(plan.queries)
        }

        private mutating func decide(_ plan: Plan, _ passages: [RetrievedPassage]) -> Action {
            var kept = Array(passages.prefix(plan.request.topK ?? options.topK))
            if plan.request.mode == .adaptive {
                // Only the passages that bear on the question go to the model; none: Ferry says so itself.
                kept = RelevanceGate(options).filter(kept, question: plan.language)
                if kept.isEmpty { return uncovered(plan) }
            }
            let sources = Self.fit(kept, budget: options.sourceTokens)
            state = .generating(plan, sources, CitationScanner(sourceCount: sources.count))
            let messages = GroundedPrompt.answer(question: plan.request.question, sources: sources, summary: plan.summary, history: plan.history)
            return .generate(messages, sources: sources, queries: plan.queries)
        }

        private mutating func uncovered(_ plan: Plan) -> Action {
            state = .finished
            return .answerUncovered(text: plan.language.notCovered, queries: plan.queries)
        }

        /// The passages numbered as sources while they fit `budget` tokens; the first is shortened when it alone
        /// is over.
        static func fit(_ passages: [RetrievedPassage], budget: Int) -> [AnswerSource] {
            var sources: [AnswerSource] = []
            var used = 0
            for passage in passages {
                var text = passage.chunk.text
                let tokens = max(passage.tokens, 1)
                if used + tokens > budget {
                    guard sources.isEmpty else { break }
                    let share = Double(budget) / Double(tokens)
                    text = String(text.prefix(max(1, Int(Double(text.count) * share))))
                }
                used += tokens
                let chunk = passage.chunk
                sources.append(AnswerSource(
                    n: sources.count + 1, document: chunk.document, section: chunk.section.isEmpty ? nil : chunk.section.joined(separator: " › "),
                    page: chunk.page, chunkID: chunk.chunkID, score: passage.score, text: text
                ))
            }
            return sources
        }

        private mutating func invalid(_ event: String) -> Action {
            let was = "\(state)".prefix(40)
            state = .failed
            return .fail(FerryError(code: .upstreamFailure, message: "Answering received `\(event)` while \(was)", hint: "this is a bug in Ferry; report it with the request"))
        }
    }
}
