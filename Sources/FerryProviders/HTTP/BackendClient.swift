import AsyncHTTPClient
import FerryCore
import FerryWire
import Foundation
import NIOCore
import NIOHTTP1

/// What every provider does with HTTP: build requests with its headers, send them through the shared client,
/// turn a non-2xx answer into the dialect's ``FerryError``, decode bounded JSON bodies, and stream events.
struct BackendClient: Sendable {
    /// Reads a dialect's error body.
    typealias ErrorReader = @Sendable (_ status: Int, _ body: ByteBuffer, _ location: ErrorLocation, _ retryAfter: Duration?) -> FerryError

    let name: String
    let endpoint: BackendEndpoint
    let http: ProviderHTTPClient
    /// Extra headers (API keys among them). Sent, never logged or shown.
    let headers: [(String, String)]
    /// How to start this kind of server, for connection errors.
    let startHint: String
    let readError: ErrorReader

    func location(_ path: String, model: String?) -> ErrorLocation {
        ErrorLocation(backend: name, url: endpoint.url(path), model: model)
    }

    /// Sends a request and returns the response when its status is 2xx; otherwise throws the backend's error.
    func send(_ method: HTTPMethod, _ path: String, body: (some Encodable)?, model: String?) async throws -> HTTPClientResponse {
        let place = location(path, model: model)
        let data = try body.map { value in
            var buffer = ByteBuffer()
            try WireJSON.encode(value, into: &buffer)
            return buffer
        }
        let request = ProviderHTTPClient.jsonRequest(place.url ?? path, method: method, body: data, headers: headers)
        let response = try await http.send(request, location: place, startHint: startHint)
        guard (200..<300).contains(response.status.code) else {
            let bytes = (try? await http.collect(response, location: place)) ?? ByteBuffer()
            let retryAfter = TransportErrors.retryAfter(response.headers.first(name: "retry-after"))
            throw readError(Int(response.status.code), bytes, place, retryAfter)
        }
        return response
    }

    func get(_ path: String, model: String? = nil) async throws -> HTTPClientResponse {
        try await send(.GET, path, body: Optional<NoBody>.none, model: model)
    }

    /// Sends and decodes a whole JSON answer.
    func json<Value: Decodable>(_ type: Value.Type, _ method: HTTPMethod, _ path: String, body: (some Encodable)?, model: String?) async throws -> Value {
        let response = try await send(method, path, body: body, model: model)
        let bytes = try await http.collect(response, location: location(path, model: model))
        return try WireJSON.decode(type, from: bytes.readableBytesView, location: location(path, model: model))
    }

    /// Sends a streaming request and returns its events, read as the caller asks for them.
    func stream(_ path: String, body: some Encodable, model: String?, parser: some ChatStreamParser) async throws -> ChatEventStream {
        let response = try await send(.POST, path, body: body, model: model)
        return ResponseEventStream.events(from: response.body, parser: parser, location: location(path, model: model))
    }

    /// A short text of an error body, for messages.
    static func text(of body: ByteBuffer) -> String {
        let text = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : String(text.prefix(500))
    }
}

/// The body of a request that has none.
struct NoBody: Encodable {}

extension BackendClient {
    /// Sends a request of an API the backend serves itself, as the client wrote it (only `model` set), and returns
    /// the answer's bytes, pulled as they are taken; a non-2xx answer is thrown as the backend's error.
    func forward(_ request: NativeRequest, model: String) async throws -> NativeAnswer {
        let place = location(request.api.path, model: model)
        let body = ByteBuffer(string: request.body(model: model))
        let response = try await http.send(ProviderHTTPClient.jsonRequest(place.url ?? request.api.path, body: body, headers: headers), location: place, startHint: startHint)
        guard (200..<300).contains(response.status.code) else {
            let bytes = (try? await http.collect(response, location: place)) ?? ByteBuffer()
            throw readError(Int(response.status.code), bytes, place, TransportErrors.retryAfter(response.headers.first(name: "retry-after")))
        }
        let contentType = response.headers.first(name: "content-type") ?? (request.stream ? "text/event-stream" : "application/json")
        guard request.stream else {
            let whole = Array(try await http.collect(response, location: place).readableBytesView)
            return NativeAnswer(contentType: contentType, chunks: AsyncThrowingStream { continuation in
                continuation.yield(whole)
                continuation.finish()
            })
        }
        let pull = BodyPull(iterator: response.body.makeAsyncIterator(), location: place)
        return NativeAnswer(contentType: contentType, chunks: AsyncThrowingStream(unfolding: { try await pull.next() }))
    }

    /// A response body's iterator, pulled by one consumer at a time (AsyncThrowingStream's unfolding contract).
    private final class BodyPull: @unchecked Sendable {
        private var iterator: HTTPClientResponse.Body.AsyncIterator
        private let location: ErrorLocation

        init(iterator: HTTPClientResponse.Body.AsyncIterator, location: ErrorLocation) {
            self.iterator = iterator
            self.location = location
        }

        func next() async throws -> [UInt8]? {
            do {
                return try await iterator.next().map { Array($0.readableBytesView) }
            } catch {
                throw TransportErrors.ferryError(for: error, location: location, startHint: "")
            }
        }
    }
}
