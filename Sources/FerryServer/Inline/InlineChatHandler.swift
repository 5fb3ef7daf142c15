import FerryCore
import FerryProviders
import FerryRouter
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1

/// Serves chat requests (`POST /v1/chat/completions`, `POST /api/chat`) on the event loop of the client's
/// connection: the request is read, routed, sent to the backend over a pooled connection of the same loop, and the
/// answer written back — no task, no thread crossed. It sits in Hummingbird's pipeline after NIO's HTTP/1 codec and
/// before the codec to HTTP types (``InlineChatInstaller`` puts it there), so what it serves is read as NIO's parts
/// and written as bytes (``InlineResponseHead``); everything it does not serve passes on to Hummingbird's routes
/// unchanged, and so does every request it cannot
/// serve this way (a body the hand-written reader does not take, a backend without an inline call, a full
/// concurrency limit, a first attempt that failed — which the routes then retry, going on from that attempt).
///
/// One request at a time per connection, in order: while it serves one, later (pipelined) requests wait, and reads
/// stop once one came; while a passed-on request has not been answered, later requests pass on too.
final class InlineChatHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        /// Reading a request it may serve.
        case reading(InlineChatRequest)
        /// Passing the current request's parts on to the routes.
        case passing
        /// Its request is in flight.
        case serving(InlineExchange)
    }

    let service: InlineChatService
    private var state = State.idle
    /// Requests passed on whose answer has not been written yet.
    private var unanswered = 0
    /// Parts that arrived while serving (pipelining), replayed afterwards.
    private var held: CircularBuffer<HTTPServerRequestPart> = []
    private var readHeld = false
    private var quiesceHeld = false
    /// The client closed its side (a half-closure) while an inline request was read or served: the event passes on
    /// with a request handed over, or the connection closes once the answer is out.
    private var inputClosedHeld = false
    /// The token of the last attempt filed for the routes, dropped when the next request comes.
    private var filedToken: UInt64?
    /// The context of NIO's HTTP/1 response encoder at the pipeline's start: inline answers are written from there
    /// as bytes (``InlineResponseHead``, ``InlineChunk``), past Hummingbird's codecs. Nil in a pipeline without
    /// one: then every request passes on to the routes.
    private var wire: ChannelHandlerContext?
    /// The connection's one deadline timer, shared by its exchanges one after another (see ``watch(until:context:)``),
    /// and when it fires.
    private var deadlineTimer: Scheduled<Void>?
    private var timerFires = NIODeadline.distantFuture
    /// A part was passed on to Hummingbird's side since its last read burst ended.
    private var passedOn = false

    init(service: InlineChatService) {
        self.service = service
    }

    func handlerAdded(context: ChannelHandlerContext) {
        wire = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        wire = nil
        stopTimer()
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        receive(unwrapInboundIn(data), context: context)
    }

    private func receive(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch state {
        case .serving:
            held.append(part)
        case .idle:
            guard case .head(var head) = part else { return passOn(part, context: context) }
            if let token = filedToken {
                _ = service.priors.take(token)
                filedToken = nil
            }
            head.headers.remove(name: GatewayHeaders.priorAttempt.canonicalName)
            if unanswered == 0, wire != nil, let dialect = service.accepts(head) {
                state = .reading(InlineChatRequest(head: head, body: context.channel.allocator.buffer(capacity: 0), dialect: dialect, received: .now))
            } else {
                pass(.head(head), context: context)
            }
        case .reading(var request):
            switch part {
            case .head:
                pass(part, context: context)
            case .body(var chunk):
                if request.body.readableBytes + chunk.readableBytes > service.maxBodyBytes {
                    // The routes answer 413 in the client's dialect.
                    handOver(request, prior: nil, endsRequest: false, context: context)
                    passOn(.body(chunk), context: context)
                    return
                }
                state = .idle
                request.body.writeBuffer(&chunk)
                state = .reading(request)
            case .end:
                state = .idle
                serve(request, context: context)
            }
        case .passing:
            if case .end = part { state = .idle }
            passOn(part, context: context)
        }
    }

    /// Passes a part of a request the routes answer.
    private func pass(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        if case .head = part { unanswered += 1 }
        state = .passing
        if case .end = part { state = .idle }
        passOn(part, context: context)
    }

    /// Hands a part to Hummingbird's side; its read burst then ends there too (``channelReadComplete(context:)``).
    private func passOn(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        passedOn = true
        context.fireChannelRead(wrapInboundOut(part))
    }

    private func serve(_ request: InlineChatRequest, context: ChannelHandlerContext) {
        guard let wire else { return handOver(request, prior: nil, endsRequest: true, context: context) }
        switch service.start(request, on: context.eventLoop) {
        case .handOver(let request):
            handOver(request, prior: nil, endsRequest: true, context: context)
        case .started(let exchange):
            state = .serving(exchange)
            exchange.begin(on: self, context: context, wire: wire)
        }
    }

    /// Passes a request it read to the routes, with the first attempt it made (if any) filed for them.
    func handOver(_ request: InlineChatRequest, prior: PriorAttempt?, endsRequest: Bool, context: ChannelHandlerContext) {
        var head = request.head
        if let prior {
            let token = service.priors.file(prior)
            filedToken = token
            head.headers.replaceOrAdd(name: GatewayHeaders.priorAttempt.canonicalName, value: String(token))
        }
        unanswered += 1
        state = .passing
        passOn(.head(head), context: context)
        if request.body.readableBytes > 0 { passOn(.body(request.body), context: context) }
        if endsRequest {
            state = .idle
            passOn(.end(nil), context: context)
        }
        // Hummingbird's side hands reads on at the end of a read burst; one may not follow (a failed attempt
        // hands over from the backend's callback), so end the burst here.
        endReadBurst(context)
        if quiesceHeld {
            // The routes have the request now: they answer it, then close.
            quiesceHeld = false
            context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        if inputClosedHeld {
            inputClosedHeld = false
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
    }

    private var isServing: Bool {
        if case .serving = state { return true }
        return false
    }

    private var isInline: Bool {
        switch state {
        case .reading, .serving: true
        case .idle, .passing: false
        }
    }

    /// The exchange in flight is over: it answered (or handed its request over). Replays what was held.
    func exchangeEnded(closing: Bool, context: ChannelHandlerContext) {
        if case .serving = state { state = .idle }
        if closing || quiesceHeld { return closeAfterWrites(context) }
        var replayed = false
        while !isServing, let part = held.popFirst() {
            receive(part, context: context)
            replayed = true
        }
        if replayed { endReadBurst(context) }
        if isServing { return }
        if inputClosedHeld {
            // Nothing more will come: with nothing passed on, close (a request half read never completes);
            // otherwise the routes hear it and close after their answers.
            inputClosedHeld = false
            let routesAnswer: Bool = switch state {
            case .passing: true
            case .idle: unanswered > 0
            case .reading, .serving: false
            }
            guard routesAnswer else { return closeAfterWrites(context) }
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
        if readHeld {
            readHeld = false
            context.read()
        }
    }

    /// Closes the connection once everything written so far is out (a close alone would drop what the socket has
    /// not taken yet).
    private func closeAfterWrites(_ context: ChannelHandlerContext) {
        guard let wire else { return context.close(promise: nil) }
        let written = context.eventLoop.makePromise(of: Void.self)
        wire.writeAndFlush(NIOAny(context.channel.allocator.buffer(capacity: 0)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    /// A read burst's end reaches Hummingbird's handlers only when a part of it was passed on to them: for a
    /// burst that brought an inline request they have nothing to deliver, and telling each of them costs about
    /// as much as the request's routing.
    func channelReadComplete(context: ChannelHandlerContext) {
        endReadBurst(context)
    }

    private func endReadBurst(_ context: ChannelHandlerContext) {
        guard passedOn else { return }
        passedOn = false
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTimer()
        if case .serving(let exchange) = state { exchange.clientLeft() }
        if let token = filedToken { _ = service.priors.take(token) }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .serving(let exchange) = state { exchange.writabilityChanged(context.channel.isWritable) }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Shutting down: Hummingbird closes connections it sees idle at once; one reading or serving an inline
        // request closes after its answer (or passes the event on with the request, when it hands it over).
        if event is ChannelShouldQuiesceEvent, isInline {
            quiesceHeld = true
            return
        }
        // A client that closed its side after its request still gets the answer.
        if let event = event as? ChannelEvent, event == .inputClosed, isServing {
            inputClosedHeld = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Deadlines

    /// Tells the exchange in flight, at `deadline` or later, that its deadline may have passed
    /// (``InlineExchange/deadlineReached()``, which checks and may ask again). The timer is armed once and moved only
    /// when a deadline comes before it fires: keep-alive requests one after another, each with a later deadline,
    /// share it — it fires once per limit, not once per request — instead of each scheduling and cancelling its own.
    func watch(until deadline: NIODeadline, context: ChannelHandlerContext) {
        if deadlineTimer != nil, timerFires <= deadline { return }
        deadlineTimer?.cancel()
        timerFires = deadline
        deadlineTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            deadlineTimer = nil
            timerFires = .distantFuture
            if case .serving(let exchange) = state { exchange.deadlineReached() }
        }
    }

    private func stopTimer() {
        deadlineTimer?.cancel()
        deadlineTimer = nil
        timerFires = .distantFuture
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        // Reading on while serving costs nothing when the client waits for its answer (and tells at once when it
        // leaves); reads stop when it pipelines, so what is held is at most what one read brought.
        if case .serving = state, !held.isEmpty {
            readHeld = true
            return
        }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only the routes' answers pass here (the exchange writes past this handler, from the wire's context).
        if case .end = unwrapOutboundIn(data) { unanswered -= 1 }
        context.write(data, promise: promise)
    }
}

@available(*, unavailable)
extension InlineChatHandler: Sendable {}
