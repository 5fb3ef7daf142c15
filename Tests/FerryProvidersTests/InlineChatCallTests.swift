import FerryCore
@testable import FerryProviders
import FerrySim
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@Suite("Inline chat calls: the gateway's event-loop client and its keep-alive connections")
struct InlineChatCallTests {
    /// What a call ended with.
    enum Outcome: Sendable {
        case answer(ChatResponse)
        case events([ChatEvent])
        case failure(FerryError)
    }

    /// Collects what a call reports, on its loop.
    final class Receiver: InlineChatReceiver, @unchecked Sendable {
        let outcome: EventLoopPromise<Outcome>
        var events: [ChatEvent] = []

        init(_ outcome: EventLoopPromise<Outcome>) { self.outcome = outcome }

        func received(answer: ChatResponse) { outcome.succeed(.answer(answer)) }
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
    private func run(_ provider: OpenAICompatibleProvider, _ request: ChatRequest, stream: Bool = false) async throws -> Outcome {
        let call = try #require(try provider.inlineChat(request, stream: stream))
        let outcome = loop.makePromise(of: Outcome.self)
        let loop = self.loop
        try await loop.submit {
            #expect(call.canStart(on: loop))
            _ = call.start(on: loop, receiver: Receiver(outcome))
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

    @Test("HTTPS backends are left to the routes; the request head carries the backend's path prefix and headers")
    func upstreams() async throws {
        try await withCannedServer(.keepAlive) { _, http in try checkUpstreams(http) }
    }

    private func checkUpstreams(_ http: ProviderHTTPClient) throws {
        #expect(try provider("https://api.openai.com/v1", http).inlineChatUpstream == nil)
        let upstream = try #require(try provider("http://gpu-box:8000/proxy/v1", http).inlineChatUpstream)
        #expect(upstream.host == "gpu-box" && upstream.port == 8000)
        let head = upstream.head(length: 12)
        #expect(head.uri == "/proxy/v1/chat/completions")
        #expect(head.headers["host"] == ["gpu-box:8000"] && head.headers["content-length"] == ["12"])
        #expect(head.headers["authorization"] == ["Bearer secret"])
    }
}

/// A test failure with a message.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
