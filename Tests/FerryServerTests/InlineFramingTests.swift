@testable import FerryServer
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@Suite("Inline answers' bytes: heads and chunks as an HTTP/1.1 client reads them")
struct InlineFramingTests {
    /// What NIO's HTTP/1.1 client decoder reads from `bytes`, the answer to a POST.
    private func decoded(_ bytes: ByteBuffer) throws -> (head: HTTPResponseHead, body: String, ended: Bool) {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPResponseDecoder()))
        defer { _ = try? channel.finish() }
        try channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/chat/completions")))
        try channel.writeInbound(bytes)
        var head: HTTPResponseHead?
        var body = ""
        var ended = false
        while let part = try channel.readInbound(as: HTTPClientResponsePart.self) {
            switch part {
            case .head(let value): head = value
            case .body(let chunk): body += String(buffer: chunk)
            case .end: ended = true
            }
        }
        return (try #require(head), body, ended)
    }

    @Test("a stream's chunks, of any size, read back as the bytes encoded; an empty part is not framed")
    func chunks() throws {
        var bytes = ByteBuffer()
        InlineResponseHead.writeAnswer(
            contentType: "text/event-stream", date: "Sun, 22 Nov 2026 05:53:17 GMT", requestID: (0x0f8b_6c1e_4a2d_4e7f, 0x9b1c_2d3e_4f5a_6b7c), backend: "vllm",
            overhead: .microseconds(120), framing: .chunked, into: &bytes
        )
        var expected = ""
        for size in [1, 9, 15, 16, 17, 255, 256, 4095, 4096, 70_000] {
            var part = ByteBuffer()
            InlineChunk.start(&part)
            #expect(!InlineChunk.hasContent(part))
            let text = String(repeating: String(UnicodeScalar(UInt8(97 + size % 26))), count: size)
            part.writeString(text)
            #expect(InlineChunk.finish(&part))
            let header = String(size, radix: 16) + "\r\n"
            #expect(part.getString(at: part.readerIndex, length: header.utf8.count) == header, "no leading zeros")
            bytes.writeBuffer(&part)
            expected += text
        }
        var empty = ByteBuffer()
        InlineChunk.start(&empty)
        let before = empty
        #expect(!InlineChunk.finish(&empty) && empty == before)
        bytes.writeStaticString(InlineChunk.last)
        let answer = try decoded(bytes)
        #expect(answer.head.status == .ok && answer.ended)
        #expect(answer.body == expected)
        #expect(answer.head.headers["content-type"] == ["text/event-stream"] && answer.head.headers["cache-control"] == ["no-cache"])
        #expect(answer.head.headers["x-request-id"] == ["0f8b6c1e-4a2d-4e7f-9b1c-2d3e4f5a6b7c"] && answer.head.headers["x-ferry-backend"] == ["vllm"])
        #expect(answer.head.headers["x-ferry-attempts"] == ["1"] && answer.head.headers["x-ferry-overhead-ms"] == ["0.120"])
        #expect(answer.head.headers["server"] == ["Ferry"] && answer.head.headers["date"] == ["Sun, 22 Nov 2026 05:53:17 GMT"])
    }

    @Test("a whole answer carries its length; a line break in a configured name cannot split the head")
    func wholeAnswer() throws {
        var bytes = ByteBuffer()
        let body = #"{"id":"c1"}"#
        InlineResponseHead.writeAnswer(
            contentType: "application/json", date: "now", requestID: (1, 2), backend: "gpu\r\nx-evil: 1",
            overhead: .milliseconds(3) + .microseconds(50), framing: .length(body.utf8.count), into: &bytes
        )
        bytes.writeString(body)
        let answer = try decoded(bytes)
        #expect(answer.body == body && answer.ended)
        #expect(answer.head.headers["content-length"] == ["\(body.utf8.count)"])
        #expect(answer.head.headers["x-evil"].isEmpty && answer.head.headers["x-ferry-backend"] == ["gpu  x-evil: 1"])
        #expect(answer.head.headers["x-ferry-overhead-ms"] == ["3.050"])
    }

    @Test("an error answer keeps its status, reason and fields")
    func errorAnswer() throws {
        var bytes = ByteBuffer()
        let body = #"{"error":{"message":"no"}}"#
        let response = HTTPResponse(status: .tooManyRequests, headerFields: [.contentType: "application/json", .retryAfter: "2", .contentLength: "999"])
        InlineResponseHead.write(response, length: body.utf8.count, into: &bytes)
        bytes.writeString(body)
        let answer = try decoded(bytes)
        #expect(answer.head.status == .tooManyRequests && answer.body == body)
        #expect(answer.head.headers["retry-after"] == ["2"] && answer.head.headers["content-length"] == ["\(body.utf8.count)"])
    }
}
