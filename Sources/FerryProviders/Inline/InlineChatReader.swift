import AsyncHTTPClient
import FerryCore
import FerryWire
import NIOCore
import NIOHTTP1

/// Reads an ``InlineChatCall``'s response as its connection decodes it — on the call's event loop — and tells the
/// receiver: a whole answer decoded once its body is in (bounded) — or, in OpenAI's form to a receiver that writes
/// that form, checked and handed over as the backend's bytes — a stream's events as each body part arrives, a
/// backend's error status as the dialect's ``FerryError``.
final class InlineChatReader<Receiver: InlineChatReceiver>: InlineResponseReader {
    private let call: InlineChatCall
    private let connections: LoopConnections
    private var receiver: Receiver?
    private var parser: (any ChatStreamParser)?
    private var connection: InlineConnection?
    private var status = 0
    private var retryAfter: Duration?
    private var body = ByteBuffer()
    private var sentAgain = false

    init(call: InlineChatCall, connections: LoopConnections, receiver: Receiver) {
        self.call = call
        self.connections = connections
        self.receiver = receiver
        parser = call.parser
    }

    func start() {
        connections.send(call.body, to: call.upstream, reader: self)
    }

    /// The caller gave up: the request is stopped and the receiver hears a cancellation, unless it already heard
    /// the end.
    func cancel() {
        connection?.abort()
        connection = nil
        end(failing: call.transportError(HTTPClientError.cancelled))
    }

    private var isSuccess: Bool { (200..<300).contains(status) }

    // MARK: InlineResponseReader

    var isWaiting: Bool { receiver != nil }

    func sending(on connection: InlineConnection) {
        self.connection = connection
    }

    func received(head: HTTPResponseHead) {
        status = Int(head.status.code)
        if !isSuccess { retryAfter = TransportErrors.retryAfter(head.headers.first(name: "retry-after")) }
    }

    func received(body part: ByteBuffer) -> EventLoopFuture<Void>? {
        guard let receiver else { return nil }
        guard isSuccess, parser != nil else {
            var part = part
            guard body.readableBytes + part.readableBytes <= call.maxBodyBytes else {
                connection?.abort()
                end(failing: FerryError.tooLarge("The backend's answer", limit: call.maxBodyBytes, location: call.location))
                return nil
            }
            body.writeBuffer(&part)
            return nil
        }
        do {
            try parser!.feed(part, text: { receiver.received(text: $0) }) { receiver.received(event: $0) }
        } catch {
            receiver.received(event: .error(call.transportError(error)))
        }
        return receiver.endOfPart()
    }

    func receivedEnd() {
        connection = nil
        guard let receiver else { return }
        guard isSuccess else {
            return end(failing: call.readError(status, body, call.location, retryAfter))
        }
        if parser != nil {
            do {
                try parser!.finish { receiver.received(event: $0) }
            } catch {
                receiver.received(event: .error(call.transportError(error)))
            }
            self.receiver = nil
            return
        }
        if call.answersInOpenAIForm, receiver.takesOpenAIAnswers, let summary = OpenAIChatCompletionSummary(body.readableBytesView) {
            self.receiver = nil
            return receiver.received(openAIAnswer: body, usage: summary.usage)
        }
        do {
            let answer = try call.answer(body, call.location)
            self.receiver = nil
            receiver.received(answer: answer)
        } catch {
            end(failing: call.transportError(error))
        }
    }

    func failed(_ error: any Error, beforeAnswer: Bool) {
        connection = nil
        guard receiver != nil else { return }
        if beforeAnswer, !sentAgain {
            // The server closed a kept-alive connection as the request went out on it: it never saw the request.
            sentAgain = true
            return connections.send(call.body, to: call.upstream, fresh: true, reader: self)
        }
        end(failing: call.transportError(error))
    }

    private func end(failing error: FerryError) {
        guard let receiver else { return }
        self.receiver = nil
        receiver.failed(error)
    }
}

@available(*, unavailable)
extension InlineChatReader: Sendable {}
