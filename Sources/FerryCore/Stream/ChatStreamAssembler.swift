/// Turns a stream of ``ChatEvent``s into a complete ``ChatResponse`` — the one place where deltas are
/// accumulated. Providers and front ends never re-implement it.
///
/// ```swift
/// var assembler = ChatStreamAssembler()
/// for try await event in stream { try assembler.consume(event) }
/// let response = assembler.response()
/// ```
public struct ChatStreamAssembler: Sendable {
    private var start: StreamStart?
    private var text = ""
    private var calls: [Int: PartialCall] = [:]
    private var finish: StreamFinish?
    /// When the first text or tool-call fragment arrived: the end of prompt evaluation, as a client sees it.
    public private(set) var firstTokenAt: ContinuousClock.Instant?

    private struct PartialCall: Sendable {
        var id: String?
        var name = ""
        var arguments = ""
    }

    public init() {}

    /// Whether a `finish` event has been seen.
    public var isFinished: Bool { finish != nil }

    /// The model's load time, when the backend reported it in its last event.
    public var loadDuration: Duration? { finish?.loadDuration }

    /// Adds one event. An in-band `.error` is thrown.
    public mutating func consume(_ event: ChatEvent) throws {
        switch event {
        case .start(let value):
            if start == nil { start = value }
        case .textDelta(let piece):
            if firstTokenAt == nil { firstTokenAt = .now }
            text += piece
        case .toolCallDelta(let delta):
            if firstTokenAt == nil { firstTokenAt = .now }
            var call = calls[delta.index] ?? PartialCall()
            if let id = delta.id, !id.isEmpty { call.id = id }
            if let name = delta.name, !name.isEmpty { call.name += call.name.isEmpty ? name : "" }
            call.arguments += delta.arguments
            calls[delta.index] = call
        case .finish(let value):
            finish = value
        case .error(let error):
            throw error
        }
    }

    /// The tool calls assembled so far, in index order; calls without an id get a stable synthesised one.
    public var toolCalls: [ToolCall] {
        calls.keys.sorted().map { index in
            let call = calls[index]!
            let arguments = call.arguments.isEmpty ? "{}" : call.arguments
            return ToolCall(
                id: call.id ?? ToolCall.synthesizedID(index: index, seed: call.name + arguments),
                name: call.name,
                arguments: arguments
            )
        }
    }

    /// The chat response assembled so far.
    public func response() -> ChatResponse {
        let calls = toolCalls
        var reason = finish?.reason
        if reason == nil, !calls.isEmpty { reason = .toolCalls }
        return ChatResponse(
            id: start?.id ?? "",
            model: start?.model ?? "",
            created: start?.created ?? 0,
            message: .assistant(text, toolCalls: calls),
            finishReason: reason,
            usage: finish?.usage
        )
    }

    /// The legacy completion assembled so far.
    public func completionResponse() -> CompletionResponse {
        CompletionResponse(
            id: start?.id ?? "",
            model: start?.model ?? "",
            created: start?.created ?? 0,
            text: text,
            finishReason: finish?.reason,
            usage: finish?.usage
        )
    }

    /// Consumes a whole stream and returns its response.
    public static func assemble<Events: AsyncSequence>(_ events: Events) async throws -> ChatResponse
    where Events.Element == ChatEvent {
        var assembler = ChatStreamAssembler()
        for try await event in events { try assembler.consume(event) }
        return assembler.response()
    }

    /// Consumes a whole stream and returns it as a legacy completion.
    public static func assembleCompletion<Events: AsyncSequence>(_ events: Events) async throws -> CompletionResponse
    where Events.Element == ChatEvent {
        var assembler = ChatStreamAssembler()
        for try await event in events { try assembler.consume(event) }
        return assembler.completionResponse()
    }
}
