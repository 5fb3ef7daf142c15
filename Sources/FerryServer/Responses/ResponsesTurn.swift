import FerryCore
import FerryWire

/// One turn of a Responses API conversation: the request in the core form (after the conversation of the
/// response it goes on from), the response it becomes (`in_progress`, the request's settings echoed), and what is
/// stored when it is done — so that the routes and the inline path answer and keep a response alike.
///
/// ```swift
/// let turn = try ResponsesTurn(wire, history: stored?.messages ?? [])
/// let response = turn.response(completing: answer)
/// if let kept = turn.stored(response) { await responses.keep(kept) }
/// ```
struct ResponsesTurn: Sendable {
    let chat: ChatRequest
    /// The response before any output; a stream's encoder and a whole answer start from it.
    let template: ResponsesResponse
    /// Whether the finished response is stored (`store`, true unless the client said otherwise).
    let keeps: Bool
    /// What the next response goes on from: this turn's conversation without its instructions (they are not
    /// carried over).
    private let conversation: [ChatMessage]

    init(_ wire: ResponsesRequest, history: [ChatMessage]) throws {
        chat = try wire.chatRequest(history: history)
        template = ResponsesResponse(id: "resp_" + RequestIDs.compact(), model: wire.model, createdAt: Timestamps.nowSeconds(), request: wire)
        keeps = wire.store ?? true
        conversation = wire.instructions?.isEmpty == false ? Array(chat.messages.dropFirst()) : chat.messages
    }

    /// A turn known only by its model, for an answer made without a Responses request: nothing is stored.
    init(model: String) {
        let wire = ResponsesRequest(model: model, input: nil)
        chat = ChatRequest(model: model, messages: [])
        template = ResponsesResponse(id: "resp_" + RequestIDs.compact(), model: model, createdAt: Timestamps.nowSeconds(), request: wire)
        keeps = false
        conversation = []
    }

    /// The whole response to `answer`.
    func response(completing answer: ChatResponse) -> ResponsesResponse {
        var response = template
        response.complete(with: answer)
        return response
    }

    /// What the store keeps of the finished `response`: it and the conversation up to its answer; nil when the
    /// client asked not to store it.
    func stored(_ response: ResponsesResponse) -> StoredResponse? {
        keeps ? StoredResponse(response: response, messages: conversation + [response.assistantMessage]) : nil
    }
}
