import CoreMetrics
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

    let service: InlineChatService
    /// The connection's life: what it reads, passes on, serves and holds (``StateMachine``).
    private var machine: StateMachine
    /// The exchange in flight: the one the machine holds, which only this handler puts there.
    private var exchange: InlineExchange? { machine.exchange.map { unsafeDowncast($0, to: InlineExchange.self) } }
    /// The context of NIO's HTTP/1 response encoder at the pipeline's start: inline answers are written from there
    /// as bytes (``InlineResponseHead``, ``InlineChunk``), past Hummingbird's codecs. The installer puts the handler
    /// only where it finds one.
    private var wire: ChannelHandlerContext?
    /// The connection's one deadline timer, shared by its exchanges one after another (see ``watch(until:context:)``),
    /// and when it fires.
    private var deadlineTimer: Scheduled<Void>?
    private var timerFires = NIODeadline.distantFuture
    /// A part was passed on to Hummingbird's side since its last read burst ended: only then does the burst's end
    /// reach its handlers (``channelReadComplete(context:)``).
    private var passedOn = false
    /// A replay is under way (``replay(_:)``).
    private var replaying = false
    /// `server.idle_timeout`, kept here because Hummingbird's own cannot see the requests served inline (it would
    /// close a connection whose answer streams from here): when the client last sent something or was last
    /// answered. A head that trickles in is not seen until it is whole, so the idle timeout bounds it too.
    private var lastActivity = NIODeadline.now()
    /// `server.body_timeout`: when the body being read must have arrived, moved on by each part of it.
    private var bodyDeadline = NIODeadline.distantFuture
    /// The one timer that checks both (``watchClient(at:context:)``).
    private var clientTimer: Scheduled<Void>?

    init(service: InlineChatService) {
        self.service = service
        machine = StateMachine(maxBodyBytes: service.maxBodyBytes)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        wire = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
        if let first = [service.idleTimeout, service.bodyTimeout].compactMap({ $0 }).min() { watchClient(at: .now() + first, context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        wire = nil
        stopTimer()
        clientTimer?.cancel()
        clientTimer = nil
    }

    /// Closes the connection when the client has been silent for the idle timeout with nothing owed to it
    /// (``StateMachine/owesNothing``), or is reading a body past its deadline (``StateMachine/readingBody``);
    /// otherwise looks again when either next could be — at least once per body timeout, so that a body begun
    /// since is checked within it.
    private func watchClient(at deadline: NIODeadline, context: ChannelHandlerContext) {
        clientTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            guard context.channel.isActive else { return }
            let now = NIODeadline.now()
            if machine.readingBody, now >= bodyDeadline {
                service.closedSlowBody.increment()
                return context.close(promise: nil)
            }
            var next = NIODeadline.distantFuture
            if let idle = service.idleTimeout {
                let due = lastActivity + idle
                if due <= now, machine.owesNothing {
                    service.closedIdle.increment()
                    return context.close(promise: nil)
                }
                // Still busy, or active since: once more at the earliest it could be idle.
                next = max(due, now + idle)
            }
            if let body = service.bodyTimeout { next = min(next, machine.readingBody ? bodyDeadline : now + body) }
            watchClient(at: next, context: context)
        }
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if service.idleTimeout != nil { lastActivity = .now() }
        if let body = service.bodyTimeout {
            switch part {
            case .head: bodyDeadline = (service.idleTimeout != nil ? lastActivity : .now()) + body
            case .body(let chunk): bodyDeadline = bodyDeadline + .nanoseconds(Int64(chunk.readableBytes) &* service.bodyNanosecondsPerByte)
            case .end: break
            }
        }
        receive(part, context: context)
    }

    private func receive(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        let action: StateMachine.ReceiveAction
        switch part {
        case .head(var head):
            // Only the inline path files attempts for the routes: a client's own header is never believed.
            head.headers.remove(name: GatewayHeaders.priorAttempt.canonicalName)
            let dialect = wire == nil ? nil : service.accepts(head)
            action = machine.receivedHead(head, inline: dialect, allocator: context.channel.allocator, now: .now)
            if case .passOn = action { service.count(.passedOn) }
        case .body(var chunk):
            action = machine.receivedBody(&chunk)
        case .end(let trailers):
            action = machine.receivedEnd(trailers)
        }
        run(action, context: context)
    }

    private func run(_ action: StateMachine.ReceiveAction, context: ChannelHandlerContext) {
        switch action {
        case .none, .drop:
            break
        case .passOn(let part):
            passOn(part, context: context)
        case .serve(let request):
            serve(request, context: context)
        case .handOver(let handOver, let part):
            self.handOver(handOver, context: context)
            passOn(part, context: context)
        }
    }

    /// Hands a part to Hummingbird's side; its read burst then ends there too (``channelReadComplete(context:)``).
    private func passOn(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        passedOn = true
        context.fireChannelRead(wrapInboundOut(part))
    }

    private func serve(_ request: InlineChatRequest, context: ChannelHandlerContext) {
        guard let wire else { return handOver(machine.notServed(request), context: context) }
        switch service.start(request, on: context.eventLoop, allocator: context.channel.allocator) {
        case .handOver(let request):
            handOver(machine.notServed(request), context: context)
        case .started(let exchange):
            machine.served(exchange)
            exchange.begin(on: self, context: context, wire: wire)
        case .answered(let response):
            wire.writeAndFlush(NIOAny(response), promise: nil)
            ended(machine.answeredAtOnce(closing: request.closes), context: context)
        }
    }

    /// Passes a request it read to the routes, then what they must hear with it.
    private func handOver(_ handOver: StateMachine.HandOver, context: ChannelHandlerContext) {
        service.count(.handedOver)
        var head = handOver.request.head
        if let token = handOver.token {
            head.headers.replaceOrAdd(name: GatewayHeaders.priorAttempt.canonicalName, value: String(token))
        }
        passOn(.head(head), context: context)
        if handOver.request.body.readableBytes > 0 { passOn(.body(handOver.request.body), context: context) }
        if handOver.endsRequest { passOn(.end(nil), context: context) }
        // Hummingbird's side hands reads on at the end of a read burst; one may not follow (a failed attempt
        // hands over from the backend's callback), so end the burst here.
        endReadBurst(context)
        // The routes have the request now: they answer it, then close.
        if handOver.quiesce { context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        if handOver.inputClosed { context.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
    }

    // MARK: From the exchange

    /// The exchange in flight answered; `closing`: the connection closes after the answer.
    func exchangeAnswered(closing: Bool, context: ChannelHandlerContext) {
        if service.idleTimeout != nil { lastActivity = .now() }
        ended(machine.answered(closing: closing), context: context)
    }

    private func ended(_ action: StateMachine.EndAction, context: ChannelHandlerContext) {
        switch action {
        case .replay: replay(context)
        case .closeAfterWrites: closeAfterWrites(context)
        case .none: break
        }
    }

    /// The exchange in flight failed before anything reached the client, in a way another attempt may fix: the
    /// routes get its request and go on from `prior`.
    func exchangeHandedOver(_ request: InlineChatRequest, prior: PriorAttempt, context: ChannelHandlerContext) {
        let token = service.priors.file(prior)
        guard let handOver = machine.handedOver(request, token: token) else {
            _ = service.priors.take(token)
            return
        }
        self.handOver(handOver, context: context)
        replay(context)
    }

    /// Replays what came while the exchange was in flight, then acts on what was held with it. A replayed request
    /// answered at once asks for a replay in turn: the one under way goes on from there.
    private func replay(_ context: ChannelHandlerContext) {
        guard !replaying else { return }
        replaying = true
        defer { replaying = false }
        var replayed = false
        while let part = machine.nextReplayed() {
            receive(part, context: context)
            replayed = true
        }
        if replayed { endReadBurst(context) }
        switch machine.replayed() {
        case .none:
            break
        case .read:
            context.read()
        case .passInputClosed(let read):
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            if read { context.read() }
        case .closeAfterWrites:
            closeAfterWrites(context)
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
        let (exchange, filed) = machine.closed()
        exchange.map { unsafeDowncast($0, to: InlineExchange.self) }?.clientLeft()
        if let filed { _ = service.priors.take(filed) }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        exchange?.writabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Shutting down: Hummingbird closes connections it sees idle at once; one that has an inline request
        // closes after its answer (or passes the event on with the request, when it hands it over).
        if event is ChannelShouldQuiesceEvent, !machine.quiesce() { return }
        // A client that closed its side after its request still gets the answer.
        if let event = event as? ChannelEvent, event == .inputClosed, !machine.inputClosed() { return }
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
            exchange?.deadlineReached()
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
        if machine.readRequested() { context.read() }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only the routes' answers pass here (the exchange writes past this handler, from the wire's context).
        if case .end = unwrapOutboundIn(data) {
            if service.idleTimeout != nil { lastActivity = .now() }
            if let filed = machine.routesAnswered() { _ = service.priors.take(filed) }
        }
        context.write(data, promise: promise)
    }
}

@available(*, unavailable)
extension InlineChatHandler: Sendable {}
