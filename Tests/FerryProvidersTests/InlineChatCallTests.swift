import FerryCore
@testable import FerryProviders
import FerrySim
import FerryWire
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@Suite("Inline chat calls: the gateway's event-loop client and its keep-alive connections")
struct InlineChatCallTests {
    /// What a call ended with.
    enum Outcome: Sendable {
        case answer(ChatResponse)
        /// A whole answer handed over as the backend's bytes, with its usage.
        case forwarded(ByteBuffer, Usage?)
        case events([ChatEvent])
        case failure(FerryError)
    }

    /// Collects what a call reports, on its loop.
    final class Receiver: InlineChatReceiver, @unchecked Sendable {
        let outcome: EventLoopPromise<Outcome>
        let takesOpenAIAnswers: Bool
        var events: [ChatEvent] = []

        init(_ outcome: EventLoopPromise<Outcome>, takesOpenAIAnswers: Bool) {
            self.outcome = outcome
            self.takesOpenAIAnswers = takesOpenAIAnswers
        }

        func received(answer: ChatResponse) { outcome.succeed(.answer(answer)) }
        func received(openAIAnswer body: ByteBuffer, usage: Usage?) { outcome.succeed(.forwarded(body, usage)) }
        func received(event: ChatEvent) {
            events.append(event)
            switch event {
            case .finish, .error: outcome.succeed(.events(events))
            default: break
            }
        }
        func received(text: UnsafeRawBufferPointer) { events.append(.textDelta(String(decoding: text, as: UTF8.self))) }
        func endOfPart() -> EventLoopFuture<Void>? { nil }
        func failed(_ error: FerryError) { outcome.succeed(.failure(error)) }
    }

    let loop = MultiThreadedEventLoopGroup.singleton.next()

    private func provider(_ url: String, _ http: ProviderHTTPClient) throws -> OpenAICompatibleProvider {
        OpenAICompatibleProvider(name: "vllm", endpoint: try BackendEndpoint(url), flavor: .vllm, apiKey: "secret", defaultModel: "demo", http: http)
    }

    /// Starts `provider`'s inline call for `request` on `loop` and waits for its outcome.
    private func run(_ provider: OpenAICompatibleProvider, _ request: ChatRequest, stream: Bool = false, takesOpenAIAnswers: Bool = false) async throws -> Outcome {
        let call = try #require(try provider.inlineChat(request, stream: stream))
        let outcome = loop.makePromise(of: Outcome.self)
        let loop = self.loop
        try await loop.submit {
            #expect(call.canStart(on: loop))
            _ = call.start(on: loop, receiver: Receiver(outcome, takesOpenAIAnswers: takesOpenAIAnswers))
        }.get()
        return try await outcome.futureResult.get()
    }

    /// Connections `provider`'s inline calls hold open on the test's loop.
    private func openConnections(_ provider: OpenAICompatibleProvider) async throws -> Int {
        let upstream = try #require(provider.inlineChatUpstream)
        let connections = try #require(provider.backend.http.inline.connections(on: loop))
        return try await loop.submit { connections.openConnections(to: upstream) }.get()
    }

    private let hello = ChatRequest(model: "demo", messages: [.user("Tell me about ferries")])

    @Test("whole answers and streams from FerrySim; calls one after another share one kept-alive connection")
    func answersOnOneConnection() async throws {
        try await withBackend(.instant(dialect: .vllm)) { url, _, http in
            let vllm = try provider(url, http)
            let expected = try await vllm.chat(hello).text
            for _ in 0..<3 {
                guard case .answer(let answer) = try await run(vllm, hello) else { throw Failure("expected an answer") }
                #expect(answer.text == expected)
            }
            guard case .events(let events) = try await run(vllm, hello, stream: true) else { throw Failure("expected a stream") }
            #expect(try await ChatStreamAssembler.assemble(events.async).text == expected)
            #expect(try await openConnections(vllm) == 1)
        }
    }

    @Test("a receiver that writes OpenAI's form gets the backend's answer as it stands, with its usage")
    func forwardedAnswers() async throws {
        try await withBackend(.instant(dialect: .vllm)) { url, _, http in
            let vllm = try provider(url, http)
            guard case .answer(let decoded) = try await run(vllm, hello) else { throw Failure("expected an answer") }
            guard case .forwarded(let body, let usage) = try await run(vllm, hello, takesOpenAIAnswers: true) else { throw Failure("expected the backend's bytes") }
            let forwarded = try WireJSON.decode(OpenAIChatCompletion.self, from: body.readableBytesView).chatResponse()
            #expect(forwarded.text == decoded.text && forwarded.model == decoded.model)
            #expect(usage == decoded.usage && usage != nil)
        }
    }

    @Test("a client dropped without shutdown stops in the background (AsyncHTTPClient would stop the process)")
    func droppedClient() async throws {
        do {
            let http = ProviderHTTPClient()
            #expect(try provider("http://127.0.0.1:1", http).inlineChatUpstream != nil)
        }
        try await Task.sleep(for: .milliseconds(50))
    }

    @Test("an error status becomes the dialect's error; nothing listening says so, with the URL")
    func failures() async throws {
        try await withBackend(.instant(dialect: .vllm)) { url, _, http in
            guard case .failure(let error) = try await run(try provider(url, http), ChatRequest(model: "qwen", messages: [.user("x")])) else {
                throw Failure("an unknown model must fail")
            }
            #expect(error.code == .modelNotFound && error.location.model == "qwen")
        }
        let port = try await closedPort()
        try await withCannedServer(.keepAlive) { _, http in
            guard case .failure(let error) = try await run(try provider("http://127.0.0.1:\(port)", http), hello) else { throw Failure("expected a refusal") }
            #expect(error.code == .connectionFailed && error.message.contains("Nothing is listening"))
            #expect(error.location.url == "http://127.0.0.1:\(port)/v1/chat/completions")
        }
    }

    @Test("an answer over the body limit fails as too large")
    func tooLarge() async throws {
        var settings = ProviderHTTPClient.Configuration()
        settings.maxBodyBytes = 64
        try await withCannedServer(.keepAlive, settings) { server, http in
            guard case .failure(let error) = try await run(try provider("http://127.0.0.1:\(server.port)", http), hello) else { throw Failure("expected too large") }
            #expect(error.code == .payloadTooLarge)
        }
    }

    @Test("connections the server closes are never reused; a kept-alive one closed under a request is replaced once")
    func serverClosures() async throws {
        for (mode, calls, connections) in [(CannedHTTPServer.Mode.keepAlive, 3, 1), (.closeHeader, 3, 3), (.closeAfterAnswer, 3, 3), (.closeOnSecondRequest, 2, 2)] {
            try await withCannedServer(mode) { server, http in
                let backend = try provider("http://127.0.0.1:\(server.port)", http)
                for call in 0..<calls {
                    guard case .answer(let answer) = try await run(backend, hello) else { throw Failure("\(mode): call \(call) must be answered") }
                    #expect(answer.text == "canned")
                }
                #expect(server.connections == connections, "\(mode)")
            }
        }
    }

    @Test("a new connection closed without an answer fails at once, naming the URL")
    func closedWithoutAnswer() async throws {
        try await withCannedServer(.neverAnswer) { server, http in
            guard case .failure(let error) = try await run(try provider("http://127.0.0.1:\(server.port)", http), hello) else { throw Failure("expected a failure") }
            #expect(error.code == .connectionFailed && error.message.contains("closed the connection before answering"))
            #expect(server.connections == 1, "a request sent on a new connection is not sent again")
        }
    }

    /// Runs `body` with a ``CannedHTTPServer`` and a client of `settings`; stops both after, also when it throws.
    private func withCannedServer(
        _ mode: CannedHTTPServer.Mode, _ settings: ProviderHTTPClient.Configuration = .init(),
        _ body: (CannedHTTPServer, ProviderHTTPClient) async throws -> Void
    ) async throws {
        let http = ProviderHTTPClient(configuration: settings)
        let server = try await CannedHTTPServer(mode: mode)
        do {
            try await body(server, http)
        } catch {
            try? await http.shutdown()
            try? await server.stop()
            throw error
        }
        try await http.shutdown()
        try await server.stop()
    }

    @Test("HTTPS backends are left to the routes; a request carries the backend's path prefix, headers and its length")
    func upstreams() async throws {
        try await withCannedServer(.keepAlive) { _, http in try checkUpstreams(http) }
    }

    private func checkUpstreams(_ http: ProviderHTTPClient) throws {
        #expect(try provider("https://api.openai.com/v1", http).inlineChatUpstream == nil)
        let upstream = try #require(try provider("http://gpu-box:8000/proxy/v1", http).inlineChatUpstream)
        #expect(upstream.host == "gpu-box" && upstream.port == 8000)
        let request = String(buffer: upstream.request(ByteBuffer(string: #"{"n":123456}"#), allocator: ByteBufferAllocator()))
        #expect(request.hasPrefix("POST /proxy/v1/chat/completions HTTP/1.1\r\nhost: gpu-box:8000\r\n"))
        #expect(request.contains("\r\nauthorization: Bearer secret\r\n"))
        #expect(request.hasSuffix("\r\ncontent-length: 12\r\n\r\n{\"n\":123456}"))
    }
}

/// A test failure with a message.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
