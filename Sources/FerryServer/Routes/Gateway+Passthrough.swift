import FerryCore
import FerryRouter
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension Gateway {
    /// A request of `api` sent untranslated when its route's backends serve that API themselves (their
    /// `passthrough`): routed with retries and fallback, the backend's answer relayed byte for byte with the
    /// routing headers; nil when the route translates (the body is then read as usual). Nothing of the answer is
    /// cached or stored here: with passthrough, `previous_response_id` names the backend's own stored responses.
    func forwarded(_ api: NativeRequest.API, body: ByteBuffer, context: GatewayContext) async throws -> Response? {
        // Most gateways pass nothing through: the body is read for its model only when some route does.
        guard router.routes.contains(where: { $0.passesThrough(api) }),
              let object = try? JSONValue(parsing: String(buffer: body)).objectValue, let model = object["model"]?.stringValue,
              router.passesThrough(api, model: model)
        else { return nil }
        try authorize(model, promptBytes: body.readableBytes, context: context)
        let stream: Bool = if case .bool(true)? = object["stream"] { true } else { false }
        let idle = try router.route(for: model).timeouts.idle
        let routed = try await router.routedForward(NativeRequest(api: api, model: model, body: object, stream: stream))
        var headers: HTTPFields = [.contentType: routed.value.contentType]
        Self.addRoutingHeaders(&headers, routed, context: context)
        let chunks = ChunkPull(routed.value.chunks.makeAsyncIterator())
        let logger = logger, backend = routed.backend
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            // Every read waits at most the route's idle limit: a backend gone quiet cuts the answer (the client
            // sees it end unfinished), as a translated stream ends with an error event.
            while true {
                guard let next = try await firstOrNil({ try await chunks.next() }, before: { try await Task.sleep(for: idle) }) else {
                    logger.warning("a passed-through answer was cut: the backend sent nothing within the idle limit", metadata: ["backend": "\(backend)", "idle": "\(idle)"])
                    throw FerryError(
                        code: .timeout, message: "Backend \"\(backend)\" sent nothing for \(idle) in the middle of a passed-through answer",
                        location: ErrorLocation(backend: backend), hint: "the backend may be stuck or overloaded; raise the route's idle timeout if its pauses are expected"
                    )
                }
                guard case .chunk(let chunk) = next else { break }
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        })
    }
}

/// A passed-through answer's iterator, pulled by one reader at a time.
private final class ChunkPull: @unchecked Sendable {
    private var iterator: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator

    init(_ iterator: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator) {
        self.iterator = iterator
    }

    enum Read: Sendable {
        case chunk([UInt8])
        case end
    }

    func next() async throws -> Read {
        try await iterator.next().map(Read.chunk) ?? .end
    }
}
