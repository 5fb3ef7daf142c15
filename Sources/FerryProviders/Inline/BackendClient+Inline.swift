import AsyncHTTPClient
import FerryCore
import FerryWire
import NIOCore
import NIOHTTP1

extension BackendClient {
    /// An ``InlineChatCall`` that POSTs `body` to `path`, with this backend's headers.
    func inlineCall(
        _ path: String, body: some Encodable, model: String,
        parser: (any ChatStreamParser)?,
        answer: @escaping @Sendable (ByteBuffer, ErrorLocation) throws -> ChatResponse
    ) throws -> InlineChatCall {
        let place = location(path, model: model)
        var buffer = ByteBuffer()
        try WireJSON.encode(body, into: &buffer)
        var fields = HTTPHeaders()
        fields.reserveCapacity(3 + headers.count)
        fields.add(name: "accept", value: "application/json, text/event-stream, application/x-ndjson")
        fields.add(name: "content-type", value: "application/json")
        for (name, value) in headers { fields.add(name: name, value: value) }
        let request = try HTTPClient.Request(url: place.url ?? endpoint.url(path), method: .POST, headers: fields, body: .byteBuffer(buffer))
        return InlineChatCall(http: http, request: request, location: place, startHint: startHint, readError: readError, answer: answer, parser: parser)
    }
}
