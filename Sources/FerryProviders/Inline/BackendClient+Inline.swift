import AsyncHTTPClient
import FerryCore
import FerryWire
import NIOCore
import NIOHTTP1

extension BackendClient {
    /// A POST of JSON to `path` with this backend's headers and no body yet: made once per provider, so that an
    /// inline call neither parses the URL nor builds the headers again.
    func inlineRequest(_ path: String) -> HTTPClient.Request? {
        var fields = HTTPHeaders()
        fields.reserveCapacity(2 + headers.count)
        fields.add(name: "accept", value: "application/json, text/event-stream, application/x-ndjson")
        fields.add(name: "content-type", value: "application/json")
        for (name, value) in headers { fields.add(name: name, value: value) }
        return try? HTTPClient.Request(url: endpoint.url(path), method: .POST, headers: fields)
    }

    /// An ``InlineChatCall`` that sends `template` (from ``inlineRequest(_:)``) with `body`.
    func inlineCall(
        _ template: HTTPClient.Request, path: String, body: some Encodable, model: String,
        parser: (any ChatStreamParser)?,
        answer: @escaping @Sendable (ByteBuffer, ErrorLocation) throws -> ChatResponse
    ) throws -> InlineChatCall {
        var buffer = ByteBuffer()
        try WireJSON.encode(body, into: &buffer)
        var request = template
        request.body = .byteBuffer(buffer)
        return InlineChatCall(http: http, request: request, location: location(path, model: model), startHint: startHint, readError: readError, answer: answer, parser: parser)
    }
}
