import AsyncHTTPClient
import FerryCore
import FerryWire
import NIOCore

/// One chat request to a plain-HTTP backend, ready to be sent from an event loop: a keep-alive connection of that
/// same loop carries it, and the answer is decoded on that loop — no task is made and no thread crossed.
///
/// ```swift
/// if let call = try provider.inlineChat(request, stream: false), call.canStart(on: channel.eventLoop) {
///     let task = call.start(on: channel.eventLoop, receiver: exchange)
///     // exchange.received(answer:) or exchange.failed(_:) follows on channel.eventLoop; task.cancelCall() stops it
/// }
/// ```
public final class InlineChatCall: Sendable {
    let pool: InlineConnectionPool
    let upstream: InlineUpstream
    /// The request's JSON body.
    let body: ByteBuffer
    public let location: ErrorLocation
    let startHint: String
    let readError: BackendClient.ErrorReader
    /// The most bytes read from a whole answer or an error body.
    let maxBodyBytes: Int
    /// Reads a whole answer.
    let answer: @Sendable (ByteBuffer, ErrorLocation) throws -> ChatResponse
    /// Whether a whole answer comes in OpenAI's chat completion form (an OpenAI-compatible backend's): then a
    /// receiver that writes that form may take its bytes (``InlineChatReceiver/takesOpenAIAnswers``).
    let answersInOpenAIForm: Bool
    /// Reads a stream (nil: a whole answer is asked for).
    let parser: (any ChatStreamParser)?

    init(
        pool: InlineConnectionPool, upstream: InlineUpstream, body: ByteBuffer, location: ErrorLocation, startHint: String,
        readError: @escaping BackendClient.ErrorReader, maxBodyBytes: Int, answer: @escaping @Sendable (ByteBuffer, ErrorLocation) throws -> ChatResponse,
        answersInOpenAIForm: Bool, parser: (any ChatStreamParser)?
    ) {
        self.pool = pool
        self.upstream = upstream
        self.body = body
        self.location = location
        self.startHint = startHint
        self.readError = readError
        self.maxBodyBytes = maxBodyBytes
        self.answer = answer
        self.answersInOpenAIForm = answersInOpenAIForm
        self.parser = parser
    }

    /// Whether the backend streams its answer.
    public var streams: Bool { parser != nil }

    /// Whether the call can be sent from `eventLoop` now: it is one of the client's loops (the gateway and the
    /// client share the process's event loops unless configured otherwise), and a connection to the backend is
    /// idle there or may be opened.
    public func canStart(on eventLoop: any EventLoop) -> Bool {
        pool.connections(on: eventLoop)?.hasRoom(for: upstream) ?? false
    }

    /// Sends the request from `eventLoop` (see ``canStart(on:)``); everything the receiver hears comes on that loop.
    public func start(on eventLoop: any EventLoop, receiver: some InlineChatReceiver) -> InlineChatTask {
        guard let connections = pool.connections(on: eventLoop) else {
            receiver.failed(FerryError(
                code: .unsupported, message: "An inline call was started on an event loop its HTTP client does not use", location: location,
                hint: "report it: the gateway checks canStart(on:) first"
            ))
            return InlineChatTask(cancel: {})
        }
        let reader = InlineChatReader(call: self, connections: connections, receiver: receiver)
        reader.start()
        return InlineChatTask(cancel: reader.cancel)
    }

    func transportError(_ error: any Error) -> FerryError {
        TransportErrors.ferryError(for: error, location: location, startHint: startHint)
    }
}

/// A started ``InlineChatCall``; use it on the loop the call was started on.
public struct InlineChatTask {
    let cancel: () -> Void

    /// Stops the call: the receiver hears `failed` with a cancellation, unless it already heard the end.
    public func cancelCall() { cancel() }
}
