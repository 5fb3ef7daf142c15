import FerryAccess
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

    /// Its life (``StateMachine``): what is awaited, whether the stream is committed, whether it is over.
    private var machine = StateMachine()
    private var handler: InlineChatHandler?
    private var context: ChannelHandlerContext?
    /// Where the answer's bytes go: past Hummingbird's HTTP codecs (``InlineChatHandler/wire``).
    private var wire: ChannelHandlerContext?
    private var task: InlineChatTask?
    private var sent = ContinuousClock.now
    /// A stream's events encoded since the last write, in a chunk's frame.
    private var pending: ByteBuffer
    private var writable: EventLoopPromise<Void>?
    /// For a whole answer read from the backend's stream (Ollama's, timed at its first token): the events so far.
    /// Nothing reaches the client before the stream ends; then the whole answer, or the error, is written.
    private var assembler: ChatStreamAssembler?
    /// A Responses API request's turn: its finished response is stored (in memory, at once) before the answer's
    /// last bytes go out, so that a `previous_response_id` sent on receiving them finds it.
    private let turn: ResponsesTurn?
    /// With keys on, the request's hold on its key: ended with what the answer used when the exchange is over,
    /// withdrawn when the request goes to the routes (which admit it again).
    private let pass: AccessPass?
    private var usage = StreamUsage()
    private var failedAnswer = false

    /// `assembles`: the client asked for a whole answer and `call` streams (``GatewayDialect/assemblesWholeAnswers``).
    init(service: InlineChatService, request: InlineChatRequest, attempt: FirstAttempt, call: InlineChatCall, encoder: any ChatEventEncoder, turn: ResponsesTurn? = nil, pass: AccessPass? = nil, assembles: Bool = false) {
        self.service = service
        self.request = request
        self.attempt = attempt
        self.call = call
        self.encoder = encoder
        self.turn = turn
        self.pass = pass
        pending = ByteBuffer()
        assembler = assembles ? ChatStreamAssembler() : nil
    }

    private var timeouts: RouterTimeouts { attempt.route.timeouts }
    private var firstLimit: Duration { call.streams ? timeouts.firstEvent : timeouts.total }

    func begin(on handler: InlineChatHandler, context: ChannelHandlerContext, wire: ChannelHandlerContext) {
        self.handler = handler
        self.context = context
        self.wire = wire
        sent = .now
        watch(until: machine.begin(now: .now(), limit: .nanoseconds(firstLimit.nanoseconds)))
        let task = call.start(on: context.eventLoop, receiver: self)
        // The call may have failed (or the client gone) before it returned.
        switch machine.state {
        case .awaiting, .streaming: self.task = task
        case .created, .settling, .finished: task.cancelCall()
        }
    }

    // MARK: InlineChatReceiver

    var takesOpenAIAnswers: Bool { request.dialect == .openAI }

    func received(answer: ChatResponse) {
        guard machine.receivedAnswer(), let context else { return }
        let elapsed = ContinuousClock.now - sent
        service.router.answered(attempt, after: elapsed)
        let answer = attempt.named(answer)
        service.router.finished(attempt, usage: answer.usage)
        pass?.served(backend: attempt.backend.name, usage: answer.usage)
        var body = context.channel.allocator.buffer(capacity: 1024)
        do {
            // Whole answers are OpenAI's, Anthropic's or the Responses API's (Ollama's are assembled:
            // ``GatewayDialect/assemblesWholeAnswers``).
            let response = try request.dialect.writeWhole(answer, turn: turn, timings: OllamaTimings(begun: request.received, firstToken: nil), into: &body)
            if let response { keep(response) }
        } catch {
            let failure = FerryError(code: .invalidResponse, message: "The answer could not be written: \(error)", location: call.location, hint: "report it with the request id \(requestID)")
            return self.answer(failing: failure)
        }
        write(answer: body, waited: elapsed, context: context)
    }

    func received(openAIAnswer body: ByteBuffer, usage: Usage?) {
        guard machine.receivedAnswer(), let context else { return }
        let elapsed = ContinuousClock.now - sent
        service.router.answered(attempt, after: elapsed)
        service.router.finished(attempt, usage: usage)
        pass?.served(backend: attempt.backend.name, usage: usage)
        write(answer: body, waited: elapsed, context: context)
    }

    func received(event: ChatEvent) {
        let kind: StateMachine.EventKind = switch event {
        case .finish: .finish
        case .error: .error
        default: .content
        }
        if pass != nil {
            usage.observe(event)
            if kind == .error { failedAnswer = true }
        }
        switch machine.received(kind, now: .now()) {
        case .ignore:
            return
        case .failBeforeCommit:
            guard case .error(let error) = event else { preconditionFailure("InlineExchange: failed before its commit on a \(kind) event") }
            failBeforeCommit(error)
        case .write(let commits, let ends) where assembler != nil:
            if commits, let lastEvent = machine.idleDeadlineBase { watch(until: lastEvent + idleLimit) }
            switch event {
            case .error(let error):
                service.router.broken(attempt, error)
                answer(failing: error)
            case .finish(let end):
                try? assembler?.consume(event)
                service.router.finished(attempt, usage: end.usage)
                writeAssembled()
            default:
                try? assembler?.consume(event)
                precondition(!ends, "InlineExchange: a \(kind) event ended the stream")
            }
        case .write(let commits, let ends):
            if commits { commit() }
            do {
                try encoder.encode(event, into: &pending)
            } catch {
                // The encoder failed on this event: the stream ends with that error in-band.
                return broken(.streamInterrupted("an event could not be written: \(error)", location: call.location), ended: ends)
            }
            guard ends else { return }
            switch event {
            case .finish(let end):
                service.router.finished(attempt, usage: end.usage)
                if let responses = encoder as? ResponsesStreamEncoder { keep(responses.current) }
            case .error(let error): service.router.broken(attempt, error)
            default: preconditionFailure("InlineExchange: a \(kind) event ended the stream")
            }
            write(flushing: false)
            finish(committed: true)
        }
    }

    func received(text: UnsafeRawBufferPointer) {
        switch machine.receivedText(now: .now()) {
        case .ignore:
            return
        case .asEvent:
            received(event: .textDelta(String(decoding: text, as: UTF8.self)))
        case .write where assembler != nil:
            if pass != nil { usage.observe(textBytes: text.count) }
            try? assembler?.consume(.textDelta(String(decoding: text, as: UTF8.self)))
        case .write:
            if pass != nil { usage.observe(textBytes: text.count) }
            do {
                try encoder.encode(text: text, into: &pending)
            } catch {
                broken(.streamInterrupted("an event could not be written: \(error)", location: call.location), ended: false)
            }
        }
    }

    func endOfPart() -> EventLoopFuture<Void>? {
        guard case .streaming = machine.state, assembler == nil, let context else { return nil }
        write(flushing: true)
        if context.channel.isWritable { return nil }
        let promise = context.eventLoop.makePromise(of: Void.self)
        writable = promise
        return promise.futureResult
    }

    func failed(_ error: FerryError) {
        switch machine.failed() {
        case .ignore: return
        case .failBeforeCommit: failBeforeCommit(error)
        case .breakInBand: broken(error, ended: false)
        }
    }

    // MARK: From the handler

    func clientLeft() {
        switch machine.clientLeft() {
        case .none:
            return
        case .abandon:
            service.router.abandoned(attempt)
        case .cancelStream:
            service.router.broken(attempt, FerryError(code: .cancelled, message: "The client closed the connection", location: call.location, hint: "nothing to do: the client gave up"))
        }
        task?.cancelCall()
        letGo(counting: .served)
    }

    func writabilityChanged(_ isWritable: Bool) {
        guard isWritable, let promise = writable else { return }
        writable = nil
        promise.succeed()
    }

    // MARK: Steps

    /// The stream's first event: the head goes out, the idle limit starts.
    private func commit() {
        guard let context else { return }
        let elapsed = ContinuousClock.now - sent
        service.router.answered(attempt, after: elapsed)
        var head = context.channel.allocator.buffer(capacity: 384)
        writeHead(contentType: request.dialect.streamContentType, waited: elapsed, framing: .chunked, into: &head)
        wire?.write(NIOAny(head), promise: nil)
        pending = context.channel.allocator.buffer(capacity: 1024)
        InlineChunk.start(&pending)
        if let lastEvent = machine.idleDeadlineBase { watch(until: lastEvent + idleLimit) }
    }

    /// Writes the whole answer assembled from the backend's stream (Ollama's, its durations split at the first
    /// token) and ends the response.
    private func writeAssembled() {
        guard let context, let assembler else { return }
        let answer = attempt.named(assembler.response())
        pass?.served(backend: attempt.backend.name, usage: answer.usage)
        let timings = OllamaTimings(begun: request.received, firstToken: assembler.firstTokenAt, load: assembler.loadDuration)
        var body = context.channel.allocator.buffer(capacity: 512 + answer.text.utf8.count)
        do {
            try WireJSON.encode(try OllamaChatResponse(answer, timings: timings), into: &body)
        } catch {
            return self.answer(failing: FerryError(code: .invalidResponse, message: "The answer could not be written: \(error)", location: call.location, hint: "report it with the request id \(requestID)"))
        }
        write(answer: body, waited: ContinuousClock.now - sent, context: context)
    }

    /// Stores a Responses API request's finished response (unless the client said `store: false`).
    private func keep(_ response: ResponsesResponse) {
        if let turn, let stored = turn.stored(response) { service.gateway.responses.keepNow(stored) }
    }

    /// Writes a whole answer's JSON and ends the response.
    private func write(answer body: ByteBuffer, waited: Duration, context: ChannelHandlerContext) {
        var answer = context.channel.allocator.buffer(capacity: 384 + body.readableBytes)
        writeHead(contentType: "application/json", waited: waited, framing: .length(body.readableBytes), into: &answer)
        answer.writeImmutableBuffer(body)
        wire?.write(NIOAny(answer), promise: nil)
        finish(committed: false)
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

    /// A committed stream failed: the error goes in-band and the stream ends (unless the event that failed to
    /// encode `ended` it already), then the call is stopped.
    private func broken(_ error: FerryError, ended: Bool) {
        if assembler != nil {
            // Nothing reached the client: the error is the answer.
            if ended {
                service.router.broken(attempt, error)
                answer(failing: error)
            } else {
                received(event: .error(error))
            }
        } else if ended {
            // The event that ended the stream could not be written: the error ends it instead.
            try? encoder.encode(.error(error), into: &pending)
            service.router.broken(attempt, error)
            write(flushing: false)
            finish(committed: true)
        } else {
            received(event: .error(error))
        }
        task?.cancelCall()
    }

    /// Nothing reached the client yet: hand the request to the routes when another attempt may fix it, otherwise
    /// answer with the error.
    private func failBeforeCommit(_ error: FerryError) {
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
        guard machine.settled(), let handler, let context, context.channel.isActive else { return letGo(counting: .served) }
        guard let prior else { return answer(failing: error) }
        // The handler counts the hand-over.
        letGo(counting: nil)
        handler.exchangeHandedOver(request, prior: prior, context: context)
    }

    /// Answers with `error` in the client's dialect.
    private func answer(failing error: FerryError) {
        guard let context else { return }
        let requestID = requestID
        service.gateway.logger.info("request failed", metadata: ["request-id": "\(requestID)", "error": "\(error)"])
        failedAnswer = true
        var (head, body) = request.dialect.errorAnswer(for: error, requestID: requestID)
        head.headerFields[.date] = service.dates.now
        head.headerFields[.server] = "Ferry"
        var answer = context.channel.allocator.buffer(capacity: 384 + body.readableBytes)
        InlineResponseHead.write(head, length: body.readableBytes, into: &answer)
        answer.writeBuffer(&body)
        wire?.write(NIOAny(answer), promise: nil)
        finish(committed: false)
    }

    /// The answer is out (`committed`: a stream's, which gets its last chunk): ends the response and hands the
    /// connection back. The machine is finished.
    private func finish(committed: Bool) {
        // Without a context the exchange has let go already (the client left).
        guard let context, let handler, let wire else { return }
        if committed { wire.write(NIOAny(context.channel.allocator.buffer(staticString: InlineChunk.last)), promise: nil) }
        wire.flush()
        letGo(counting: .served)
        handler.exchangeAnswered(closing: request.closes, context: context)
    }

    /// The exchange is over — its machine reached `finished`, which happens once, so this runs once: the
    /// concurrency slot is released, the outcome counted (nil: the handler counts a hand-over), the connection let
    /// go of (nothing more is written), and a wait for the socket to drain ended.
    private func letGo(counting outcome: InlineChatService.Outcome?) {
        service.limiter.release()
        if let outcome { service.count(outcome) }
        if let pass {
            if outcome == nil {
                pass.withdraw()
            } else {
                pass.served(backend: attempt.backend.name, usage: usage.reported, answerBytes: usage.answerBytes)
                pass.end(failed: failedAnswer)
            }
        }
        handler = nil
        context = nil
        wire = nil
        writabilityChanged(true)
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
        guard let handler, let context else { return }
        handler.watch(until: deadline, context: context)
    }

    /// The connection's timer fired: fails the attempt when its deadline passed — before the commit, the answer's
    /// (or first event's); after it, the idle limit's since the last event — or asks to be called again at it.
    func deadlineReached() {
        switch machine.deadlineReached(now: .now(), idleLimit: idleLimit) {
        case .none:
            return
        case .watch(let deadline):
            watch(until: deadline)
        case .timedOutBeforeCommit:
            failBeforeCommit(service.router.timeout(of: attempt, limit: firstLimit, what: call.streams ? "the first event" : "the answer"))
        case .idleTimeout:
            broken(service.router.idleTimeout(of: attempt), ended: false)
        }
    }
}

@available(*, unavailable)
extension InlineExchange: Sendable {}
