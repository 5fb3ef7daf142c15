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
/// A whole answer is written when it is in — as the backend wrote it when both speak OpenAI's form (checked, not
/// decoded: ``OpenAIChatCompletionSummary``); a stream commits on its first event (the head goes out then) and
/// writes each body part's events with one write and one flush. Before anything reached the client, a failure
/// another attempt may fix hands the request to the routes, which go on from this attempt; any other failure is
/// the answer. After the commit, failures end the stream in-band, like the routes' streams. Deadlines: the answer
/// (or first event) within the route's limit, then the route's idle limit between events — checked by the
/// connection's one timer (``InlineChatHandler/watch(until:context:)``), not one per event or per request.
final class InlineExchange: InlineChatReceiver {
    private let service: InlineChatService
    private let request: InlineChatRequest
    private let attempt: FirstAttempt
    private let call: InlineChatCall
    private var encoder: any ChatEventEncoder
    /// The request id's bits, written into the head in place; its text is made only for a log line or an error.
    private let requestBits = RequestIDs.nextBits()
    private var requestID: String { RequestIDs.format(high: requestBits.high, low: requestBits.low) }

    private var handler: InlineChatHandler?
    private var context: ChannelHandlerContext?
    /// Where the answer's bytes go: past Hummingbird's HTTP codecs (``InlineChatHandler/wire``).
    private var wire: ChannelHandlerContext?
    private var task: InlineChatTask?
    private var sent = ContinuousClock.now
    /// Before the commit, the answer's (or first event's) deadline; after, the idle limit's from the last event.
    private var deadline = NIODeadline.distantFuture
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

    func begin(on handler: InlineChatHandler, context: ChannelHandlerContext, wire: ChannelHandlerContext) {
        self.handler = handler
        self.context = context
        self.wire = wire
        sent = .now
        watch(until: .now() + .nanoseconds((call.streams ? timeouts.firstEvent : timeouts.total).nanoseconds))
        let task = call.start(on: context.eventLoop, receiver: self)
        if done { task.cancelCall() } else { self.task = task }
    }

    // MARK: InlineChatReceiver

    var takesOpenAIAnswers: Bool { request.dialect == .openAI }

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
        write(answer: body, waited: elapsed, context: context)
    }

    func received(openAIAnswer body: ByteBuffer, usage: Usage?) {
        guard !done, let context else { return }
        let elapsed = ContinuousClock.now - sent
        service.router.answered(attempt, after: elapsed)
        service.router.finished(attempt, usage: usage)
        write(answer: body, waited: elapsed, context: context)
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
        var head = context.channel.allocator.buffer(capacity: 384)
        writeHead(contentType: request.dialect.streamContentType, waited: elapsed, framing: .chunked, into: &head)
        wire?.write(NIOAny(head), promise: nil)
        pending = context.channel.allocator.buffer(capacity: 1024)
        InlineChunk.start(&pending)
        watch(until: lastEvent + idleLimit)
    }

    /// Writes a whole answer's JSON and ends the response.
    private func write(answer body: ByteBuffer, waited: Duration, context: ChannelHandlerContext) {
        var answer = context.channel.allocator.buffer(capacity: 384 + body.readableBytes)
        writeHead(contentType: "application/json", waited: waited, framing: .length(body.readableBytes), into: &answer)
        answer.writeImmutableBuffer(body)
        wire?.write(NIOAny(answer), promise: nil)
        end()
    }

    /// Writes the events encoded so far as one chunk.
    private func write(flushing: Bool) {
        guard let context, let wire else { return }
        let capacity = pending.capacity
        if InlineChunk.finish(&pending) {
            wire.write(NIOAny(pending), promise: nil)
            pending = context.channel.allocator.buffer(capacity: capacity)
            InlineChunk.start(&pending)
        }
        if flushing { wire.flush() }
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
            wire = nil
            return
        }
        guard let prior else { return answer(failing: error) }
        release()
        self.handler = nil
        self.context = nil
        wire = nil
        handler.handOver(request, prior: prior, endsRequest: true, context: context)
        handler.exchangeEnded(closing: false, context: context)
    }

    /// Answers with `error` in the client's dialect.
    private func answer(failing error: FerryError) {
        guard let context else { return }
        let requestID = requestID
        service.gateway.logger.info("request failed", metadata: ["request-id": "\(requestID)", "error": "\(error)"])
        var (head, body) = request.dialect.gateway.errorAnswer(for: error, requestID: requestID)
        head.headerFields[.date] = service.dates.now
        head.headerFields[.server] = "Ferry"
        var answer = context.channel.allocator.buffer(capacity: 384 + body.readableBytes)
        InlineResponseHead.write(head, length: body.readableBytes, into: &answer)
        answer.writeBuffer(&body)
        wire?.write(NIOAny(answer), promise: nil)
        end()
    }

    /// Ends the response and hands the connection back.
    private func end() {
        done = true
        guard let context, let handler, let wire else { return }
        if committed { wire.write(NIOAny(context.channel.allocator.buffer(staticString: InlineChunk.last)), promise: nil) }
        wire.flush()
        release()
        self.handler = nil
        self.context = nil
        self.wire = nil
        if let promise = writable {
            writable = nil
            promise.succeed()
        }
        handler.exchangeEnded(closing: request.closes, context: context)
    }

    private func release() {
        service.limiter.release()
    }

    /// The head of a proxied answer: the same fields as the routes' answers, then the framing's.
    private func writeHead(contentType: String, waited: Duration, framing: InlineResponseHead.Framing, into buffer: inout ByteBuffer) {
        InlineResponseHead.writeAnswer(
            contentType: contentType, date: service.dates.now, requestID: requestBits, backend: attempt.backend.name,
            overhead: GatewayHeaders.overhead(received: request.received, waited: waited), framing: framing, into: &buffer
        )
    }

    // MARK: Deadlines

    private var idleLimit: TimeAmount { .nanoseconds(timeouts.idle.nanoseconds) }

    /// Has the connection's timer (``InlineChatHandler/watch(until:context:)``) call ``deadlineReached()`` at
    /// `deadline`.
    private func watch(until deadline: NIODeadline) {
        self.deadline = deadline
        guard let handler, let context else { return }
        handler.watch(until: deadline, context: context)
    }

    /// The connection's timer fired: fails the attempt when its deadline passed — before the commit, the answer's
    /// (or first event's); after it, the idle limit's since the last event — or asks to be called again at it.
    func deadlineReached() {
        guard !done else { return }
        if committed { deadline = lastEvent + idleLimit }
        guard NIODeadline.now() >= deadline else { return watch(until: deadline) }
        guard committed else {
            return failBeforeCommit(service.router.timeout(of: attempt, limit: call.streams ? timeouts.firstEvent : timeouts.total, what: call.streams ? "the first event" : "the answer"))
        }
        broken(service.router.idleTimeout(of: attempt))
    }
}

@available(*, unavailable)
extension InlineExchange: Sendable {}
