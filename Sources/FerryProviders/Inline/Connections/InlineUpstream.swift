import NIOCore
import NIOHTTP1

/// Where an inline call goes: a plain-HTTP backend's host and port, and the head of `POST path` with the backend's
/// headers, made once per provider. Its identity keys the pooled connections, so calls of one provider share them.
final class InlineUpstream: Sendable {
    let host: String
    let port: Int
    /// The request's URL, for the errors of the calls made here.
    let url: String
    /// The request head without `content-length` (added per request).
    let head: HTTPRequestHead
    /// ``head`` as HTTP/1.1 bytes, up to the value of `content-length`.
    private let encodedHead: ByteBuffer

    /// nil for what the inline path does not send itself: HTTPS backends (they go through the routes and
    /// AsyncHTTPClient, where TLS is), and headers that could not be sent as given (a line break in a value).
    init?(endpoint: BackendEndpoint, path: String, headers: [(String, String)]) {
        let unsendable = { (text: String) in text.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" } }
        guard !endpoint.isHTTPS, !headers.contains(where: { unsendable($0.0) || unsendable($0.1) }) else { return nil }
        host = endpoint.host
        port = endpoint.port ?? 80
        url = endpoint.url(path)
        var fields = HTTPHeaders()
        fields.reserveCapacity(4 + headers.count)
        fields.add(name: "host", value: endpoint.authority)
        fields.add(name: "accept", value: ProviderHTTPClient.accept)
        fields.add(name: "content-type", value: "application/json")
        for (name, value) in headers { fields.add(name: name, value: value) }
        head = HTTPRequestHead(version: .http1_1, method: .POST, uri: endpoint.pathPrefix + path, headers: fields)
        var encoded = ByteBuffer(string: "POST \(head.uri) HTTP/1.1\r\n")
        for (name, value) in fields { encoded.writeString("\(name): \(value)\r\n") }
        encoded.writeStaticString("content-length: ")
        encodedHead = encoded
    }

    /// A request of `body` as bytes: the head made once, the length, the body.
    func request(_ body: ByteBuffer, allocator: ByteBufferAllocator) -> ByteBuffer {
        var request = allocator.buffer(capacity: encodedHead.readableBytes + 24 + body.readableBytes)
        request.writeImmutableBuffer(encodedHead)
        request.writeString(String(body.readableBytes))
        request.writeStaticString("\r\n\r\n")
        request.writeImmutableBuffer(body)
        return request
    }
}
