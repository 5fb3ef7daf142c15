@testable import FerryServer
import NIOCore
import NIOHTTP1
import FerryCore
import Testing

/// The inline path's connection life, driven without sockets: each event's action is checked, then carried out by
/// a small model of the handler, the routes and the exchanges.
@Suite("Inline connection state machine")
struct InlineChatHandlerStateMachineTests {
    final class Exchange {
        let id: Int
        init(id: Int) { self.id = id }
    }

    typealias Machine = InlineChatHandler.StateMachine

    private static let allocator = ByteBufferAllocator()

    private static func head(_ id: Int, path: String = "/v1/chat/completions") -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
        head.headers.add(name: "x-id", value: String(id))
        return head
    }

    private static func id(of head: HTTPRequestHead) -> Int { Int(head.headers.first(name: "x-id") ?? "") ?? -1 }

    private func head(_ machine: inout Machine, _ id: Int, inline: Bool = true) -> Machine.ReceiveAction {
        machine.receivedHead(Self.head(id), inline: inline ? .openAI : nil, allocator: Self.allocator, now: .now)
    }

    private func body(_ machine: inout Machine, _ text: String) -> Machine.ReceiveAction {
        var chunk = ByteBuffer(string: text)
        return machine.receivedBody(&chunk)
    }

    @Test("a request read whole is served; the answer returns the connection to idle")
    func servesOne() throws {
        var machine = Machine(maxBodyBytes: 1024)
        guard case .none = head(&machine, 1) else { Issue.record("the head should be kept"); return }
        guard case .none = body(&machine, "{\"model\":") else { Issue.record("the body should be kept"); return }
        guard case .none = body(&machine, "\"m\"}") else { Issue.record("the body should be kept"); return }
        guard case .serve(let request) = machine.receivedEnd(nil) else { Issue.record("the end should serve"); return }
        #expect(String(buffer: request.body) == "{\"model\":\"m\"}")
        machine.served(Exchange(id: 1))
        #expect((machine.exchange as? Exchange)?.id == 1)
        guard case .replay = machine.answered(closing: false) else { Issue.record("the answer should replay"); return }
        #expect(machine.nextReplayed() == nil)
        guard case .none = machine.replayed() else { Issue.record("nothing was held"); return }
        #expect(machine.state.name == "idle(unanswered: 0)")
    }

    @Test("a request the inline path does not take passes on; later ones pass on until the routes answer it")
    func passesOnInOrder() throws {
        var machine = Machine(maxBodyBytes: 1024)
        guard case .passOn(.head) = head(&machine, 1, inline: false) else { Issue.record("should pass on"); return }
        guard case .passOn(.end) = machine.receivedEnd(nil) else { Issue.record("should pass on"); return }
        // Unanswered: even a request the inline path could serve goes to the routes, in order.
        guard case .passOn(.head) = head(&machine, 2) else { Issue.record("should pass on behind an unanswered request"); return }
        guard case .passOn(.end) = machine.receivedEnd(nil) else { Issue.record("should pass on"); return }
        #expect(machine.routesAnswered() == nil)
        #expect(machine.routesAnswered() == nil)
        guard case .none = head(&machine, 3) else { Issue.record("answered: the next is read inline"); return }
    }

    @Test("pipelined parts are held while serving, the read waits, and both are replayed when the answer is out")
    func pipelining() throws {
        var machine = Machine(maxBodyBytes: 1024)
        _ = head(&machine, 1)
        guard case .serve = machine.receivedEnd(nil) else { Issue.record("should serve"); return }
        machine.served(Exchange(id: 1))
        let outcome71 = machine.readRequested()
        #expect(outcome71, "nothing held: reading on costs nothing")
        guard case .none = head(&machine, 2) else { Issue.record("held"); return }
        guard case .none = body(&machine, "{}") else { Issue.record("held"); return }
        guard case .none = machine.receivedEnd(nil) else { Issue.record("held"); return }
        let outcome75 = machine.readRequested()
        #expect(!outcome75, "a pipelining client is not read further while its parts are held")
        guard case .replay = machine.answered(closing: false) else { Issue.record("should replay"); return }
        var replayed: [HTTPServerRequestPart] = []
        var served: InlineChatRequest?
        while let part = machine.nextReplayed() {
            replayed.append(part)
            if case .serve(let request) = machine.received(part, inline: .openAI, allocator: Self.allocator, now: .now) { served = request }
        }
        #expect(replayed.count == 3)
        #expect(served.map { Self.id(of: $0.head) } == 2)
        machine.served(Exchange(id: 2))
        guard case .none = machine.replayed() else { Issue.record("the held read waits for the second answer"); return }
        guard case .replay = machine.answered(closing: false) else { Issue.record("should replay"); return }
        guard case .read = machine.replayed() else { Issue.record("the held read is done now"); return }
    }

    @Test("a body over the limit hands the request over with what was read, then passes the rest on")
    func tooLarge() throws {
        var machine = Machine(maxBodyBytes: 8)
        _ = head(&machine, 1)
        guard case .none = body(&machine, "12345") else { Issue.record("kept"); return }
        guard case .handOver(let handOver, then: .body(let rest)) = body(&machine, "67890") else { Issue.record("should hand over"); return }
        #expect(String(buffer: handOver.request.body) == "12345" && String(buffer: rest) == "67890")
        #expect(!handOver.endsRequest && handOver.token == nil)
        guard case .passOn(.body) = body(&machine, "more") else { Issue.record("the rest passes on"); return }
        guard case .passOn(.end) = machine.receivedEnd(nil) else { Issue.record("the end passes on"); return }
    }

    @Test("a first attempt handed over: the token goes with the request and is dropped once the routes answer it")
    func handedOverToken() throws {
        var machine = Machine(maxBodyBytes: 1024)
        _ = head(&machine, 1)
        guard case .serve(let request) = machine.receivedEnd(nil) else { Issue.record("should serve"); return }
        machine.served(Exchange(id: 1))
        let outcome109 = machine.handedOver(request, token: 42)
        let handOver = try #require(outcome109)
        #expect(handOver.token == 42 && handOver.endsRequest && !handOver.quiesce && !handOver.inputClosed)
        #expect(machine.nextReplayed() == nil)
        guard case .none = machine.replayed() else { Issue.record("nothing held"); return }
        #expect(machine.routesAnswered() == 42)
        #expect(machine.closed().filed == nil)
    }

    @Test("a token the routes never answered is dropped when the connection closes")
    func tokenDroppedOnClose() throws {
        var machine = Machine(maxBodyBytes: 1024)
        _ = head(&machine, 1)
        guard case .serve(let request) = machine.receivedEnd(nil) else { Issue.record("should serve"); return }
        machine.served(Exchange(id: 1))
        _ = machine.handedOver(request, token: 7)
        _ = machine.replayed()
        #expect(machine.closed().filed == 7)
    }

    @Test("shutdown while reading or serving waits for the answer, then closes; with a hand-over, the routes hear it")
    func quiesce() throws {
        var machine = Machine(maxBodyBytes: 1024)
        let outcome131 = machine.quiesce()
        #expect(outcome131, "idle: Hummingbird closes at once")
        _ = head(&machine, 1)
        let outcome133 = machine.quiesce()
        #expect(!outcome133, "reading: held")
        guard case .serve(let request) = machine.receivedEnd(nil) else { Issue.record("should serve"); return }
        machine.served(Exchange(id: 1))
        guard case .closeAfterWrites = machine.answered(closing: false) else { Issue.record("should close after the answer"); return }

        var other = Machine(maxBodyBytes: 1024)
        _ = head(&other, 1)
        _ = other.receivedEnd(nil)
        other.served(Exchange(id: 1))
        let outcome142 = other.quiesce()
        #expect(!outcome142)
        let outcome143 = other.handedOver(request, token: nil)
        let handOver = try #require(outcome143)
        #expect(handOver.quiesce, "the routes get the request, then the shutdown")
    }

    @Test("a half-closure while serving: the answer is written, then the connection closes (nothing passed on)")
    func halfClosure() throws {
        var machine = Machine(maxBodyBytes: 1024)
        _ = head(&machine, 1)
        _ = machine.receivedEnd(nil)
        machine.served(Exchange(id: 1))
        let outcome153 = machine.inputClosed()
        #expect(!outcome153, "held while serving")
        guard case .replay = machine.answered(closing: false) else { Issue.record("should replay"); return }
        guard case .closeAfterWrites = machine.replayed() else { Issue.record("should close"); return }
        #expect(machine.state.name == "closing")
        guard case .drop = head(&machine, 2) else { Issue.record("nothing is read when closing"); return }
    }

    @Test("a half-closure with a pipelined request passed on: the routes hear it after their request")
    func halfClosureWithRoutes() throws {
        var machine = Machine(maxBodyBytes: 1024)
        _ = head(&machine, 1)
        _ = machine.receivedEnd(nil)
        machine.served(Exchange(id: 1))
        _ = machine.receivedHead(Self.head(2, path: "/v1/models"), inline: nil, allocator: Self.allocator, now: .now)
        _ = machine.receivedEnd(nil)
        let outcome168 = machine.inputClosed()
        #expect(!outcome168)
        guard case .replay = machine.answered(closing: false) else { Issue.record("should replay"); return }
        var passed = 0
        while let part = machine.nextReplayed() {
            if case .passOn = machine.received(part, inline: nil, allocator: Self.allocator, now: .now) { passed += 1 }
        }
        #expect(passed == 2)
        guard case .passInputClosed(read: false) = machine.replayed() else { Issue.record("the routes should hear it"); return }
    }

    @Test("`Connection: close` closes after the answer")
    func closing() throws {
        var machine = Machine(maxBodyBytes: 1024)
        _ = head(&machine, 1)
        _ = machine.receivedEnd(nil)
        machine.served(Exchange(id: 1))
        guard case .closeAfterWrites = machine.answered(closing: true) else { Issue.record("should close"); return }
        #expect(machine.routesAnswered() == nil)
    }

    @Test("a request answered at once (a cache hit) leaves the connection idle for the next, or closing")
    func answeredAtOnce() throws {
        var machine = Machine(maxBodyBytes: 1024)
        _ = head(&machine, 1)
        guard case .serve = machine.receivedEnd(nil) else { Issue.record("should serve"); return }
        guard case .replay = machine.answeredAtOnce(closing: false) else { Issue.record("should replay"); return }
        #expect(machine.nextReplayed() == nil)
        guard case .none = machine.replayed() else { Issue.record("nothing was held"); return }
        #expect(machine.state.name == "idle(unanswered: 0)")
        // The next request on the connection is read and served as usual.
        guard case .none = head(&machine, 2) else { Issue.record("the next head should be read"); return }
        guard case .serve = machine.receivedEnd(nil) else { Issue.record("should serve the next"); return }
        guard case .closeAfterWrites = machine.answeredAtOnce(closing: true) else { Issue.record("`Connection: close` should close"); return }
        guard case .drop = head(&machine, 3) else { Issue.record("nothing is read when closing"); return }

        var quiescing = Machine(maxBodyBytes: 1024)
        _ = head(&quiescing, 1)
        let held = quiescing.quiesce()
        #expect(!held, "reading: held")
        _ = quiescing.receivedEnd(nil)
        guard case .closeAfterWrites = quiescing.answeredAtOnce(closing: false) else { Issue.record("shutdown should close after the answer"); return }
    }

    @Test("the client leaving: the exchange in flight is told, and nothing happens after")
    func clientLeaves() throws {
        var machine = Machine(maxBodyBytes: 1024)
        _ = head(&machine, 1)
        _ = machine.receivedEnd(nil)
        let exchange = Exchange(id: 1)
        machine.served(exchange)
        #expect(machine.closed().exchange === exchange)
        guard case .none = machine.answered(closing: false) else { Issue.record("gone"); return }
        #expect(machine.handedOver(InlineChatRequest(head: Self.head(1), body: ByteBuffer(), dialect: .openAI, received: .now), token: 1) == nil)
    }

    // MARK: Random events

    /// A seeded random run: a client sends requests (some the inline path takes, some not, some too large),
    /// pipelining at will, reads are asked for, exchanges answer or hand over, the routes answer in their own time,
    /// the server may shut down and the client may close its side. Every request must be answered exactly once, in
    /// the order sent, whoever answers it, and the routes must get each of theirs whole; impossible transitions
    /// would stop the run (preconditionFailure).
    @Test("random event orders keep requests whole, answered once and in order", arguments: 0..<400)
    func randomEvents(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed))
        var machine = Machine(maxBodyBytes: 16)
        let requestCount = 1 + Int(random.next() % 6)
        // What the client sends, in order: each request's parts.
        var toSend: [(id: Int, part: HTTPServerRequestPart, inline: Bool)] = []
        var inlineByID: [Int: Bool] = [:]
        for id in 1...requestCount {
            let inline = random.next() % 3 != 0
            inlineByID[id] = inline
            toSend.append((id, .head(Self.head(id)), inline))
            for _ in 0..<Int(random.next() % 3) {
                toSend.append((id, .body(ByteBuffer(string: String(repeating: "x", count: Int(random.next() % 10)))), inline))
            }
            toSend.append((id, .end(nil), inline))
        }
        var routesGot: [Int: [String]] = [:]   // parts by request id, as the routes received them
        var routesOrder: [Int] = []            // requests the routes must answer, in order
        var routesCurrent: Int?
        var answered: [Int] = []
        var exchange: Exchange?
        var closed = false
        var inputClosed = false
        var quiesced = false
        var replaying = false
        var steps = 0

        func routesReceive(_ part: HTTPServerRequestPart) {
            switch part {
            case .head(let head):
                let id = Self.id(of: head)
                routesCurrent = id
                routesOrder.append(id)
                routesGot[id, default: []].append("head")
            case .body:
                routesGot[routesCurrent!, default: []].append("body")
            case .end:
                routesGot[routesCurrent!, default: []].append("end")
            }
        }
        func carryOut(_ action: Machine.ReceiveAction) {
            switch action {
            case .none, .drop: break
            case .passOn(let part): routesReceive(part)
            case .serve(let request):
                let choice = random.next() % 4
                if choice == 0 {
                    let handOver = machine.notServed(request)
                    routesReceive(.head(handOver.request.head))
                    routesReceive(.end(nil))
                } else if choice == 1 {
                    // Answered at once (a cache hit); as the handler, a replay under way goes on by itself.
                    answered.append(Self.id(of: request.head))
                    switch machine.answeredAtOnce(closing: false) {
                    case .replay: if !replaying { replay() }
                    case .closeAfterWrites: closed = true
                    case .none: break
                    }
                } else {
                    let made = Exchange(id: Self.id(of: request.head))
                    exchange = made
                    machine.served(made)
                }
            case .handOver(let handOver, let part):
                routesReceive(.head(handOver.request.head))
                if handOver.request.body.readableBytes > 0 { routesReceive(.body(handOver.request.body)) }
                routesReceive(part)
            }
        }
        func part(_ part: HTTPServerRequestPart, inline: Bool) -> Machine.ReceiveAction {
            machine.received(part, inline: inline ? .openAI : nil, allocator: Self.allocator, now: .now)
        }
        func replay() {
            replaying = true
            defer { replaying = false }
            while let held = machine.nextReplayed() {
                let id: Int? = if case .head(let head) = held { Self.id(of: head) } else { nil }
                carryOut(part(held, inline: id.flatMap { inlineByID[$0] } ?? true))
            }
            if case .closeAfterWrites = machine.replayed() { closed = true }
        }

        while !closed, steps < 400 {
            steps += 1
            switch random.next() % 8 {
            case 0, 1, 2:
                guard !toSend.isEmpty, !inputClosed else { continue }
                let next = toSend.removeFirst()
                carryOut(part(next.part, inline: next.inline))
            case 3:
                // The exchange in flight ends.
                guard let current = exchange else { continue }
                exchange = nil
                if random.next() % 4 == 0 {
                    let request = InlineChatRequest(head: Self.head(current.id), body: ByteBuffer(), dialect: .openAI, received: .now)
                    let outcome291 = machine.handedOver(request, token: UInt64(current.id))
                    let handOver = try #require(outcome291)
                    routesReceive(.head(handOver.request.head))
                    routesReceive(.end(nil))
                    replay()
                } else {
                    answered.append(current.id)
                    switch machine.answered(closing: false) {
                    case .replay: replay()
                    case .closeAfterWrites: closed = true
                    case .none: break
                    }
                }
            case 4:
                // The routes answer their oldest complete request.
                guard let first = routesOrder.first, routesGot[first]?.last == "end" else { continue }
                routesOrder.removeFirst()
                answered.append(first)
                _ = machine.routesAnswered()
            case 5:
                _ = machine.readRequested()
            case 6:
                guard !quiesced, random.next() % 8 == 0 else { continue }
                quiesced = true
                _ = machine.quiesce()
            default:
                guard toSend.isEmpty, !inputClosed, random.next() % 4 == 0 else { continue }
                inputClosed = true
                _ = machine.inputClosed()
            }
            if toSend.isEmpty, exchange == nil, routesOrder.isEmpty { break }
        }
        // Answers come in the order the requests were sent, each once.
        #expect(Set(answered).count == answered.count, "seed \(seed): a request answered twice: \(answered)")
        #expect(answered == answered.sorted(), "seed \(seed): answers out of order: \(answered)")
        // The routes got every request of theirs whole: a head, bodies, one end.
        for (id, parts) in routesGot {
            #expect(parts.first == "head" && parts.filter { $0 == "head" }.count == 1, "seed \(seed): request \(id) reached the routes as \(parts)")
            #expect(parts.filter { $0 == "end" }.count <= 1, "seed \(seed): request \(id) reached the routes as \(parts)")
        }
        if !closed, toSend.isEmpty, steps < 400 {
            #expect(answered.count == requestCount, "seed \(seed): \(requestCount) requests, answered \(answered)")
        }
    }
}

extension InlineChatHandler.StateMachine {
    /// A request part, whichever it is (the handler reads heads first: it strips a forged prior-attempt header and
    /// asks whether the inline path may serve the request).
    mutating func received(_ part: HTTPServerRequestPart, inline dialect: GatewayDialect?, allocator: ByteBufferAllocator, now: ContinuousClock.Instant) -> ReceiveAction {
        switch part {
        case .head(let head): receivedHead(head, inline: dialect, allocator: allocator, now: now)
        case .body(var chunk): receivedBody(&chunk)
        case .end(let trailers): receivedEnd(trailers)
        }
    }
}
