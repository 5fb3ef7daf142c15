import FerryCore
import FerrySim
import FerryWire
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle
import Testing

/// A FerrySim server running on 127.0.0.1 at a port chosen at run time, for the length of one test.
struct RunningSim: Sendable {
    let port: Int
    let server: SimServer

    /// Sends one request on a fresh connection; past `timeout` the connection is closed and the call throws.
    func send(
        _ method: HTTPRequest.Method, _ path: String, json: String? = nil, headers: HTTPFields = [:], timeout: Duration = .seconds(15)
    ) async throws -> TestClient.Response {
        var fields = headers
        if json != nil { fields[.contentType] = "application/json" }
        let request = TestClient.Request(path, method: method, headers: fields, body: json.map { ByteBuffer(string: $0) })
        // TestClient's own timeout cannot interrupt a request the server never answers, so the deadline closes
        // the connection, which fails the pending request.
        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: timeout + .seconds(60)))
        client.connect()
        defer { Task { try? await client.shutdown() } }
        return try await withThrowingTaskGroup(of: TestClient.Response?.self) { group in
            group.addTask { try await client.execute(request) }
            group.addTask {
                try await Task.sleep(for: timeout)
                try? await client.close(mode: .all)
                return nil
            }
            while let result = try await group.next() {
                if let response = result {
                    group.cancelAll()
                    return response
                }
            }
            throw TestClient.Error.readTimeout
        }
    }

    /// Replaces the faults through the control endpoint.
    func setFaults(_ faults: [String]) async throws {
        let body = String(decoding: try JSONEncoder().encode(["faults": faults]), as: UTF8.self)
        let response = try await send(.put, "/_sim/faults", json: body)
        #expect(response.status == .ok)
    }
}

/// Runs `body` against a FerrySim server with `configuration` on 127.0.0.1 at a free port, then stops it.
func withSim<Value: Sendable>(
    _ configuration: SimConfiguration,
    _ body: @Sendable (RunningSim) async throws -> Value
) async throws -> Value {
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    let server = SimServer(configuration: configuration)
    return try await server.withRunning { port in
        try await body(RunningSim(port: port, server: server))
    }
}

extension TestClient.Response {
    var bodyBytes: [UInt8] { body.map { Array($0.readableBytesView) } ?? [] }
    var text: String { String(decoding: bodyBytes, as: UTF8.self) }
}

/// The events of a streamed body, decoded through FerryWire.
func decodeStream(_ bytes: [UInt8], dialect: SimDialect, completion: Bool = false, sse: Bool = true) throws -> [ChatEvent] {
    var events: [ChatEvent] = []
    func run(_ parser: some ChatStreamParser) throws {
        var parser = parser
        try parser.feed(ByteBuffer(bytes: bytes)) { events.append($0) }
        try parser.finish { events.append($0) }
    }
    switch dialect {
    case .vllm: try run(OpenAIStreamParser(kind: completion ? .completion : .chat))
    case .ollama: try run(OllamaStreamParser(kind: completion ? .generate : .chat))
    case .gemini: try run(GeminiStreamParser(model: "demo", framing: sse ? .sse : .jsonArray, created: 0))
    case .anthropic: try run(AnthropicStreamParser(model: "demo", created: 0))
    }
    return events
}

func assemble(_ events: [ChatEvent]) throws -> ChatResponse {
    var assembler = ChatStreamAssembler()
    for event in events { try assembler.consume(event) }
    return assembler.response()
}

let weatherTool = #"{"type":"function","function":{"name":"get_weather","description":"Weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1,"maximum":7},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","days"]}}}"#
