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

/// Runs `body` against a FerrySim server with `configuration`, then stops the server.
func withSim<Value: Sendable>(
    _ configuration: SimConfiguration,
    _ body: @Sendable (RunningSim) async throws -> Value
) async throws -> Value {
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    let server = SimServer(configuration: configuration)
    var logger = Logger(label: "ferry.sim.test")
    logger.logLevel = .error
    let (ports, portContinuation) = AsyncStream<Int>.makeStream()
    let app = server.makeApplication(logger: logger) { port in portContinuation.yield(port) }
    let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        do {
            let value = try await body(RunningSim(port: port, server: server))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        } catch {
            tasks.cancelAll()
            throw error
        }
    }
}

extension TestClient.Response {
    var bodyBytes: [UInt8] { body.map { Array($0.readableBytesView) } ?? [] }
    var text: String { String(decoding: bodyBytes, as: UTF8.self) }
}

/// The events of a streamed body, decoded through FerryWire.
func decodeStream(_ bytes: [UInt8], dialect: SimDialect, completion: Bool = false, sse: Bool = true) throws -> [ChatEvent] {
    var events: [ChatEvent] = []
    let buffer = ByteBuffer(bytes: bytes)
    switch dialect {
    case .vllm:
        var framing = SSEDecoder()
        var decoder = OpenAIStreamDecoder(kind: completion ? .completion : .chat)
        try framing.feed(buffer) { try decoder.decode($0.data) { events.append($0) } }
        try framing.finish { try decoder.decode($0.data) { events.append($0) } }
        try decoder.end({ events.append($0) }, bodyEnded: true)
    case .ollama:
        var framing = NDJSONDecoder()
        var decoder = OllamaStreamDecoder(kind: completion ? .generate : .chat)
        try framing.feed(buffer) { try decoder.decode($0) { events.append($0) } }
        try framing.finish { try decoder.decode($0) { events.append($0) } }
        try decoder.end { events.append($0) }
    case .gemini:
        var decoder = GeminiStreamDecoder(model: "demo", created: 0)
        if sse {
            var framing = SSEDecoder()
            try framing.feed(buffer) { try decoder.decode($0.data) { events.append($0) } }
            try framing.finish { try decoder.decode($0.data) { events.append($0) } }
        } else {
            var framing = JSONArrayStreamDecoder()
            try framing.feed(buffer) { try decoder.decode($0) { events.append($0) } }
            try framing.finish()
        }
        try decoder.end { events.append($0) }
    }
    return events
}

func assemble(_ events: [ChatEvent]) throws -> ChatResponse {
    var assembler = ChatStreamAssembler()
    for event in events { try assembler.consume(event) }
    return assembler.response()
}

let weatherTool = #"{"type":"function","function":{"name":"get_weather","description":"Weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1,"maximum":7},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","days"]}}}"#
