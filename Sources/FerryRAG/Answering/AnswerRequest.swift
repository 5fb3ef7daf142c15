import FerryCore

/// A question to answer from a collection.
///
/// ```swift
/// let request = AnswerRequest(question: "What are the beard regulations?", mode: .adaptive, collection: "manuals")
/// let summary = try await answerer.answerWhole(request)
/// ```
public struct AnswerRequest: Sendable, Hashable {
    /// Where the conversation so far comes from.
    public enum Context: Sendable, Hashable {
        /// A session kept in the store: nil starts a new one (its id comes back); an id not yet known starts one
        /// with that id.
        case session(String?)
        /// The earlier messages, as a chat client sends them each time (nothing is kept).
        case history([ChatMessage])
    }

    public var question: String
    public var mode: QueryMode
    public var collection: String
    public var context: Context
    /// Passages to retrieve (nil: ``AnsweringOptions/topK``).
    public var topK: Int?
    public var filters: SearchFilters
    /// The client's sampling (temperature, max tokens, …); unset fields take the answering defaults.
    public var sampling: SamplingParameters

    public init(question: String, mode: QueryMode = .simple, collection: String = CollectionInfo.defaultName, context: Context = .session(nil), topK: Int? = nil, filters: SearchFilters = SearchFilters(), sampling: SamplingParameters = SamplingParameters()) {
        self.question = question
        self.mode = mode
        self.collection = collection
        self.context = context
        self.topK = topK
        self.filters = filters
        self.sampling = sampling
    }
}
