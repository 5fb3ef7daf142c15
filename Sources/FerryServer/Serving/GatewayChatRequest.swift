import FerryCore

/// A chat request as a client sent it in its dialect (``GatewayDialect/chatRequest(from:routeName:history:)``): the
/// core request, whether the client asked for a stream, and — for the Responses API — the turn the answer completes
/// (what the response becomes and what is stored).
struct GatewayChatRequest: Sendable {
    var chat: ChatRequest
    var streams: Bool
    var turn: ResponsesTurn?
}
