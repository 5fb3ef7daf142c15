import AsyncHTTPClient
import FerryCore
import FerryWire
import NIOCore
import NIOHTTP1

/// Reads an ``InlineChatCall``'s response as AsyncHTTPClient hands it over — on the call's event loop — and tells
/// the receiver: a whole answer decoded once its body is in (bounded), a stream's events as each body part
/// arrives, a backend's error status as the dialect's ``FerryError``.
///
/// `@unchecked Sendable`: AsyncHTTPClient calls every method on the loop given to `.delegate(on:)`,
/// and nothing else touches the state.
final class InlineChatDelegate<Receiver: InlineChatReceiver>: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void

    private let call: InlineChatCall
    private let eventLoop: any EventLoop
    private var receiver: Receiver?
    private var parser: (any ChatStreamParser)?
    private var status = 0
    private var retryAfter: Duration?
    private var body = ByteBuffer()

    init(call: InlineChatCall, eventLoop: any EventLoop, receiver: Receiver) {
        self.call = call
        self.eventLoop = eventLoop
        self.receiver = receiver
        parser = call.parser
    }

    private var isSuccess: Bool { (200..<300).contains(status) }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        status = Int(head.status.code)
        if !isSuccess { retryAfter = TransportErrors.retryAfter(head.headers.first(name: "retry-after")) }
        return eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard let receiver else { return eventLoop.makeSucceededVoidFuture() }
        guard isSuccess, parser != nil else {
            var buffer = buffer
            guard body.readableBytes + buffer.readableBytes <= call.http.configuration.maxBodyBytes else {
                end(failing: FerryError.tooLarge("The backend's answer", limit: call.http.configuration.maxBodyBytes, location: call.location))
                task.cancel()
                return eventLoop.makeSucceededVoidFuture()
            }
            body.writeBuffer(&buffer)
            return eventLoop.makeSucceededVoidFuture()
        }
        do {
            try parser!.feed(buffer) { receiver.received(event: $0) }
        } catch {
            receiver.received(event: .error(call.transportError(error)))
        }
        return receiver.endOfPart() ?? eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
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
        do {
            let answer = try call.answer(body, call.location)
            self.receiver = nil
            receiver.received(answer: answer)
        } catch {
            end(failing: call.transportError(error))
        }
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        end(failing: call.transportError(error))
    }

    private func end(failing error: FerryError) {
        guard let receiver else { return }
        self.receiver = nil
        receiver.failed(error)
    }
}
