import FerryCore

extension AnswerSummary {
    /// The JSON of `POST /api/query` and `ferry query --json` (and a stream's `done` event): `{"answer", "sources",
    /// "citations", "session_id", "mode", "backend", "covered", "queries", "language", "usage", "timings":
    /// {"retrieval_ms", "generation_ms", "preparation_ms", "total_ms"}}`.
    public struct JSON: Encodable, Sendable {
        public struct Timings: Encodable, Sendable {
            public var retrievalMilliseconds: Double
            public var generationMilliseconds: Double
            public var preparationMilliseconds: Double
            public var totalMilliseconds: Double

            enum CodingKeys: String, CodingKey {
                case retrievalMilliseconds = "retrieval_ms"
                case generationMilliseconds = "generation_ms"
                case preparationMilliseconds = "preparation_ms"
                case totalMilliseconds = "total_ms"
            }

            public init(_ timings: AnswerTimings) {
                func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
                retrievalMilliseconds = rounded(timings.retrievalMilliseconds)
                generationMilliseconds = rounded(timings.generationMilliseconds)
                preparationMilliseconds = rounded(timings.preparationMilliseconds)
                totalMilliseconds = rounded(timings.totalMilliseconds)
            }
        }

        public var type: String?
        public var answer: String
        public var sources: [AnswerSource]
        public var citations: [Int]
        public var sessionID: String?
        public var mode: QueryMode
        public var backend: String?
        public var covered: Bool
        public var queries: [String]
        public var language: QuestionLanguage
        public var usage: TokenCounts?
        public var timings: Timings

        public init(_ summary: AnswerSummary, type: String? = nil) {
            self.type = type
            answer = summary.answer
            sources = summary.sources
            citations = summary.citations
            sessionID = summary.sessionID
            mode = summary.mode
            backend = summary.backend
            covered = summary.covered
            queries = summary.queries
            language = summary.language
            usage = summary.usage.map(TokenCounts.init)
            timings = Timings(summary.timings)
        }

        enum CodingKeys: String, CodingKey {
            case type, answer, sources, citations, mode, backend, covered, queries, language, usage, timings
            case sessionID = "session_id"
        }

        /// `backend` is written as null when Ferry answered itself.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(type, forKey: .type)
            try container.encode(answer, forKey: .answer)
            try container.encode(sources, forKey: .sources)
            try container.encode(citations, forKey: .citations)
            try container.encode(sessionID, forKey: .sessionID)
            try container.encode(mode, forKey: .mode)
            try container.encode(backend, forKey: .backend)
            try container.encode(covered, forKey: .covered)
            try container.encode(queries, forKey: .queries)
            try container.encode(language, forKey: .language)
            try container.encodeIfPresent(usage, forKey: .usage)
            try container.encode(timings, forKey: .timings)
        }
    }

    public struct TokenCounts: Encodable, Sendable {
        public var promptTokens: Int
        public var completionTokens: Int

        public init(_ usage: FerryCore.Usage) {
            promptTokens = usage.promptTokens
            completionTokens = usage.completionTokens
        }

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }

    /// The first event of a streamed answer.
    public struct SourcesEvent: Encodable, Sendable {
        public var type = "sources"
        public var sources: [AnswerSource]
        public var sessionID: String?
        public var queries: [String]

        public init(_ sources: AnswerSources) {
            self.sources = sources.sources
            sessionID = sources.sessionID
            queries = sources.queries
        }

        enum CodingKeys: String, CodingKey {
            case type, sources, queries
            case sessionID = "session_id"
        }
    }

    /// A piece of a streamed answer.
    public struct DeltaEvent: Encodable, Sendable {
        public var type = "delta"
        public var text: String

        public init(text: String) {
            self.text = text
        }
    }
}

extension AnswerSummary {
    public var json: JSON { JSON(self) }
}
