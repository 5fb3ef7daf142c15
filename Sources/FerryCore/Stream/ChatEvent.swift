/// One event of a streamed answer, the same for every dialect.
///
/// A well-formed stream is `start`, any number of `textDelta` / `toolCallDelta`, then `finish` — or an `error`
/// at any point. ``ChatStreamAssembler`` turns a stream into a ``ChatResponse``.
///
/// ```swift
/// for try await event in try await model.streamChat(request) {
///     if case .textDelta(let text) = event { print(text, terminator: "") }
/// }
/// ```
public enum ChatEvent: Sendable, Hashable {
    /// The answer has begun: its id, the model that answers, and when.
    case start(StreamStart)
    /// A piece of the answer's text.
    case textDelta(String)
    /// A piece of a tool call. Pieces with the same `index` belong to the same call.
    case toolCallDelta(ToolCallDelta)
    /// The answer is complete.
    case finish(StreamFinish)
    /// The stream failed after it had begun (in-band error).
    case error(FerryError)
}

/// The first event of a stream.
public struct StreamStart: Sendable, Hashable {
    public var id: String
    public var model: String
    /// Seconds since 1970.
    public var created: Int

    public init(id: String, model: String, created: Int) {
        self.id = id
        self.model = model
        self.created = created
    }
}

/// A fragment of a tool call, keyed by `index` (never by id).
///
/// The first fragment of a call carries `id` and `name`; later ones carry only more `arguments` text to append.
/// Dialects that deliver whole calls (Ollama, Gemini) send one fragment with everything.
public struct ToolCallDelta: Sendable, Hashable {
    public var index: Int
    public var id: String?
    public var name: String?
    /// Text to append to the call's arguments.
    public var arguments: String

    public init(index: Int, id: String? = nil, name: String? = nil, arguments: String = "") {
        self.index = index
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// The last event of a successful stream.
public struct StreamFinish: Sendable, Hashable {
    public var reason: FinishReason?
    public var usage: Usage?
    /// The time the backend says it spent loading the model for this answer (Ollama's `load_duration`), when it says.
    public var loadDuration: Duration?

    public init(reason: FinishReason?, usage: Usage? = nil, loadDuration: Duration? = nil) {
        self.reason = reason
        self.usage = usage
        self.loadDuration = loadDuration
    }
}

/// The stream type every ``LanguageModel`` returns.
public typealias ChatEventStream = AsyncThrowingStream<ChatEvent, any Error>
