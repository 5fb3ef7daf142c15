import FerryCore

/// One event of a streamed answer: the sources first, then the answer's text as it comes, then the summary.
///
/// ```swift
/// for try await event in answerer.answer(request) {
///     switch event {
///     case .sources(let sources): show(sources)
///     case .delta(let text): print(text, terminator: "")
///     case .done(let summary): print(summary.timings.totalMilliseconds)
///     }
/// }
/// ```
public enum AnswerEvent: Sendable, Hashable {
    /// The numbered sources the model was given (empty when the documents do not cover the question).
    case sources(AnswerSources)
    /// A piece of the answer's text.
    case delta(String)
    /// The whole answer, with which sources it cites and how long each part took.
    case done(AnswerSummary)
}

/// The first event of an answer.
public struct AnswerSources: Sendable, Hashable {
    public var sources: [AnswerSource]
    public var sessionID: String?
    /// The queries searched (adaptive mode may search a rewritten one).
    public var queries: [String]

    public init(sources: [AnswerSource], sessionID: String?, queries: [String]) {
        self.sources = sources
        self.sessionID = sessionID
        self.queries = queries
    }
}

/// How long each part of an answer took, in milliseconds.
public struct AnswerTimings: Sendable, Hashable, Codable {
    /// Rewriting the question and summarising older turns (adaptive mode, long sessions).
    public var preparationMilliseconds: Double = 0
    /// Embedding, searching and reranking.
    public var retrievalMilliseconds: Double = 0
    /// From asking the model to its last token.
    public var generationMilliseconds: Double = 0
    public var totalMilliseconds: Double = 0

    public init() {}
}

/// A finished answer.
public struct AnswerSummary: Sendable, Hashable, Codable {
    public var answer: String
    /// Every source given to the model, each marked whether the answer cites it.
    public var sources: [AnswerSource]
    /// The source numbers the answer cites, in the order first cited.
    public var citations: [Int]
    public var sessionID: String?
    public var mode: QueryMode
    /// The backend that wrote the answer; nil when Ferry answered itself (the documents do not cover it).
    public var backend: String?
    /// False when the documents did not cover the question and Ferry said so without asking the model.
    public var covered: Bool
    public var queries: [String]
    public var language: QuestionLanguage
    public var usage: Usage?
    public var timings: AnswerTimings

    public init(answer: String, sources: [AnswerSource], citations: [Int], sessionID: String?, mode: QueryMode, backend: String?, covered: Bool, queries: [String], language: QuestionLanguage, usage: Usage?, timings: AnswerTimings) {
        self.answer = answer
        self.sources = sources
        self.citations = citations
        self.sessionID = sessionID
        self.mode = mode
        self.backend = backend
        self.covered = covered
        self.queries = queries
        self.language = language
        self.usage = usage
        self.timings = timings
    }

    /// The sources the answer cites, in the order cited.
    public var citedSources: [AnswerSource] {
        citations.compactMap { number in sources.first { $0.n == number } }
    }
}
