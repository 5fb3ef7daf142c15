import FerryCore
import FerryRouter
import HTTPTypes
import Hummingbird
import NIOCore

extension Gateway {
    /// A request of `api` sent untranslated when its route's backends serve that API themselves (their
    /// `passthrough`): routed with retries and fallback, the backend's answer relayed byte for byte with the
    /// routing headers; nil when the route translates (the body is then read as usual). Nothing of the answer is
    /// cached or stored here: with passthrough, `previous_response_id` names the backend's own stored responses.
    func forwarded(_ api: NativeRequest.API, body: ByteBuffer, context: GatewayContext) async throws -> Response? {
        // Most gateways pass nothing through: the body is read for its model only when some route does.
        guard router.routes.contains(where: { route in !route.backends.isEmpty && route.backends.allSatisfy { $0.passthrough.contains(api) } }),
              let object = try? JSONValue(parsing: String(buffer: body)).objectValue, let model = object["model"]?.stringValue,
              router.passesThrough(api, model: model)
        else { return nil }
        let stream: Bool = if case .bool(true)? = object["stream"] { true } else { false }
        let routed = try await router.routedForward(NativeRequest(api: api, model: model, body: object, stream: stream))
        var headers: HTTPFields = [.contentType: routed.value.contentType]
        Self.addRoutingHeaders(&headers, routed, context: context)
        let chunks = routed.value.chunks
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            for try await chunk in chunks { try await writer.write(ByteBuffer(bytes: chunk)) }
            try await writer.finish(nil)
        })
    }
}
