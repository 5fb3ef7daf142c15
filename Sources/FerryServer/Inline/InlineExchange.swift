import FerryCore
import FerryProviders
import FerryRouter
import FerryWire
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// One chat request served inline: the first attempt's call to the backend and the answer written back, all on
/// the connection's event loop.
///
/// A whole answer is written when it is in; a stream commits on its first event (the head goes out then) and
/// writes each body part's events with one write and one flush. Before anything reached the client, a failure
/// another attempt may fix hands the request to the routes, which go on from this attempt; any other failure is
/// the answer. After the commit, failures end the stream in-band, like the routes' streams. Deadlines: the answer
/// (or first event) within the route's limit, then the route's idle limit between events — checked by one timer
/// that re-arms itself, not one per event.
final class InlineExchange: InlineChatReceiver {
    private let service: InlineChatService
    private let request: InlineChatRequest
    private let attempt: FirstAttempt
    private let call: InlineChatCall
    private var encoder: any ChatEventEncoder
    private let requestID = GatewayHeaders.newRequestID()

    private var handler: InlineChatHandler?
    private var context: ChannelHandlerContext?
    private var task: InlineChatTask?
    private var sent = ContinuousClock.now
    private var timer: Scheduled<Void>?
    /// A stream's head is out: what follows goes in-band.
    private var committed = false
    /// The answer is complete, or the request handed over, or the client gone: nothing more is written.
    private var done = false
    private var lastEvent = NIODeadline.now()
    private var pending: ByteBuffer
    private var writable: EventLoopPromise<Void>?

    init(service: InlineChatService, request: InlineChatRequest, attempt: FirstAttempt, call: InlineChatCall, encoder: any ChatEventEncoder) {
        self.service = service
        self.request = request
        self.attempt = attempt
        self.call = call
        self.encoder = encoder
        pending = ByteBuffer()
    }

    private var timeouts: RouterTimeouts { attempt.route.timeouts }

    func begin(on handler: InlineChatHandler, context: ChannelHandlerContext) {
        self.handler = handler
        self.context = context
        pending = context.channel.allocator.buffer(capacity: 0)
        sent = .now
        arm(after: call.streams ? timeouts.firstEvent : timeouts.total)
        let task = call.start(on: context.eventLoop, receiver: self)
        if done { task.cancelCall() } else { self.task = task }
    }

    // MARK: InlineChatReceiver

    func received(answer: ChatResponse) {
        guard !done, let context else { return }
        let elapsed = ContinuousClock.now - sent
        service.router.answered(attempt, after: elapsed)
        let answer = attempt.named(answer)
        service.router.finished(attempt, usage: answer.usage)
        var body = context.channel.allocator.buffer(capacity: 1024)
        do {
            try request.dialect.write(answer, encoder: encoder, into: &body)
        } catch {
            let failure = FerryError(code: .invalidResponse, message: "The answer could not be written: \(error)", location: call.location, hint: "report it with the request id \(requestID)")
            return self.answer(failing: failure)
        }
        var head = responseHead(contentType: "application/json", waited: elapsed)
        head.headerFields[.contentLength] = String(body.readableBytes)
        context.write(NIOAny(HTTPResponsePart.head(head)), promise: nil)
        context.write(NIOAny(HTTPResponsePart.body(body)), promise: nil)
        end()
    }

    func received(event: ChatEvent) {
        guard !done else { return }
        if !committed {
            if case .error(let error) = event { return failBeforeCommit(error) }
            commit()
        }
        lastEvent = .now()
        do {
            try encoder.encode(event, into: &pending)
        } catch {
            return couldNotWrite(error)
        }
        switch event {
        case .finish(let end):
            service.router.finished(attempt, usage: end.usage)
            write(flushing: false)
            self.end()
        case .error(let error):
            service.router.broken(attempt, error)
            write(flushing: false)
            end()
        default:
            break
        }
    }

    func received(text: UnsafeRawBufferPointer) {
        guard !done else { return }
        guard committed else { return received(event: .textDelta(String(decoding: text, as: UTF8.self))) }
        lastEvent = .now()
        do {
            try encoder.encode(text: text, into: &pending)
        } catch {
            couldNotWrite(error)
        }
    }

    func endOfPart() -> EventLoopFuture<Void>? {
        guard !done, let context else { return nil }
        write(flushing: true)
        if context.channel.isWritable { return nil }
        let promise = context.eventLoop.makePromise(of: Void.self)
        writable = promise
        return promise.futureResult
    }

    func failed(_ error: FerryError) {
        guard !done else { return }
        committed ? broken(error) : failBeforeCommit(error)
    }

    // MARK: From the handler

    func clientLeft() {
        guard !done else { return }
        done = true
        timer?.cancel()
        task?.cancelCall()
        if committed {
            service.router.broken(attempt, FerryError(code: .cancelled, message: "The client closed the connection", location: call.location, hint: "nothing to do: the client gave up"))
        } else {
            service.router.abandoned(attempt)
        }
        release()
        handler = nil
        context = nil
        writabilityChanged(true)
    }

    func writabilityChanged(_ isWritable: Bool) {
        guard isWritable, let promise = writable else { return }
        writable = nil
        promise.succeed()
    }

    // MARK: Steps

    private func commit() {
        guard let context else { return }
        committed = true
        let elapsed = ContinuousClock.now - sent
        service.router.answered(attempt, after: elapsed)
        var head = responseHead(contentType: request.dialect.streamContentType, waited: elapsed)
        head.headerFields[.cacheControl] = "no-cache"
        context.write(NIOAny(HTTPResponsePart.head(head)), promise: nil)
        arm(after: timeouts.idle)
    }

    /// Writes the events encoded so far as one body part.
    private func write(flushing: Bool) {
        guard let context else { return }
        if pending.readableBytes > 0 {
            context.write(NIOAny(HTTPResponsePart.body(pending)), promise: nil)
            pending = context.channel.allocator.buffer(capacity: pending.capacity)
        }
        if flushing { context.flush() }
    }

    private func couldNotWrite(_ error: any Error) {
        broken(.streamInterrupted("an event could not be written: \(error)", location: call.location))
    }

    /// A committed stream failed: the error goes in-band, the stream ends, then the call is stopped.
    private func broken(_ error: FerryError) {
        received(event: .error(error))
        task?.cancelCall()
    }

    /// Nothing reached the client yet: hand the request to the routes when another attempt may fix it, otherwise
    /// answer with the error.
    private func failBeforeCommit(_ error: FerryError) {
        done = true
        timer?.cancel()
        task?.cancelCall()
        let elapsed = ContinuousClock.now - sent
        guard error.code == .modelNotFound, error.servedModels.isEmpty, let backend = attempt.backend.model as? any InlineChatBackend, let context else {
            return settle(error, elapsed: elapsed)
        }
        // The routes' answer to an unknown model lists what the backend serves: ask it, off the loop.
        let model = attempt.request.model
        let exchange = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        Task {
            let diagnosed = await backend.diagnosed(error, model: model)
            eventLoop.execute { exchange.value.settle(diagnosed, elapsed: elapsed) }
        }
    }

    private func settle(_ error: FerryError, elapsed: Duration) {
        let prior = service.router.failed(attempt, error, after: elapsed)
        guard let handler, let context, context.channel.isActive else {
            release()
            self.handler = nil
            self.context = nil
            return
        }
        guard let prior else { return answer(failing: error) }
        release()
        self.handler = nil
        self.context = nil
        handler.handOver(request, prior: prior, endsRequest: true, context: context)
        handler.exchangeEnded(closing: false, context: context)
    }

    /// Answers with `error` in the client's dialect.
    private func answer(failing error: FerryError) {
        guard let context else { return }
        service.gateway.logger.info("request failed", metadata: ["request-id": "\(requestID)", "error": "\(error)"])
        var (head, body) = request.dialect.gateway.errorAnswer(for: error, requestID: requestID)
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.date] = service.dates.now
        head.headerFields[.server] = "Ferry"
        context.write(NIOAny(HTTPResponsePart.head(head)), promise: nil)
        context.write(NIOAny(HTTPResponsePart.body(body)), promise: nil)
        end()
    }

    /// Ends the response and hands the connection back.
    private func end() {
        done = true
        timer?.cancel()
        timer = nil
        guard let context, let handler else { return }
        context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil)), promise: nil)
        release()
        self.handler = nil
        self.context = nil
        if let promise = writable {
            writable = nil
            promise.succeed()
        }
        handler.exchangeEnded(closing: request.closes, context: context)
    }

    private func release() {
        service.limiter.release()
    }

    private func responseHead(contentType: String, waited: Duration) -> HTTPResponse {
        var fields = HTTPFields()
        fields.reserveCapacity(8)
        fields[.contentType] = contentType
        fields[.date] = service.dates.now
        fields[.server] = "Ferry"
        fields[GatewayHeaders.requestID] = requestID
        GatewayHeaders.addRouting(&fields, backend: attempt.backend.name, attempts: 1, received: request.received, waited: waited)
        return HTTPResponse(status: .ok, headerFields: fields)
    }

    // MARK: Deadlines

    /// Arms the one timer: before the commit it is the answer's (or first event's) deadline; after, it checks the
    /// idle limit and re-arms itself from the last event.
    private func arm(after limit: Duration) {
        guard let context else { return }
        timer?.cancel()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(limit.nanoseconds)) { [self] in
            timer = nil
            expired()
        }
    }

    private func expired() {
        guard !done else { return }
        guard committed else {
            return failBeforeCommit(service.router.timeout(of: attempt, limit: call.streams ? timeouts.firstEvent : timeouts.total, what: call.streams ? "the first event" : "the answer"))
        }
        let quiet = NIODeadline.now() - lastEvent
        let idle = TimeAmount.nanoseconds(timeouts.idle.nanoseconds)
        guard quiet >= idle else { return arm(after: .nanoseconds((idle - quiet).nanoseconds)) }
        broken(service.router.idleTimeout(of: attempt))
    }
}

@available(*, unavailable)
extension InlineExchange: Sendable {}
