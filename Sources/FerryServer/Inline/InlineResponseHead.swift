import HTTPTypes
import NIOCore

/// Inline answers' heads as HTTP/1.1 bytes. The inline path writes past Hummingbird's HTTP codecs (see
/// ``InlineChatHandler``): through them, a head is built as `HTTPFields` (each value checked), turned into NIO's
/// `HTTPResponseHead`, then written field by field — about a sixth of a proxied answer's cost. The fields and their
/// spelling are those the codecs wrote.
///
/// ```swift
/// var head = ByteBuffer()
/// InlineResponseHead.writeAnswer(contentType: "application/json", date: dates.now, requestID: id,
///                                backend: "vllm", overhead: "0.120", into: &head)
/// InlineResponseHead.endWhole(length: body.readableBytes, into: &head)
/// ```
enum InlineResponseHead {
    /// `200 OK` with the fields of every proxied answer; the caller ends it with ``endWhole(length:into:)`` or
    /// ``endStream(into:)``.
    static func writeAnswer(contentType: String, date: String, requestID: String, backend: String, overhead: String, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("HTTP/1.1 200 OK\r\nContent-Type: ")
        buffer.writeString(contentType)
        buffer.writeStaticString("\r\nDate: ")
        writeValue(date, into: &buffer)
        buffer.writeStaticString("\r\nServer: Ferry\r\nx-request-id: ")
        writeValue(requestID, into: &buffer)
        buffer.writeStaticString("\r\nx-ferry-backend: ")
        writeValue(backend, into: &buffer)
        buffer.writeStaticString("\r\nx-ferry-attempts: 1\r\nx-ferry-overhead-ms: ")
        writeValue(overhead, into: &buffer)
        buffer.writeStaticString("\r\n")
    }

    /// Ends the head of a whole body of `length` bytes.
    static func endWhole(length: Int, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("Content-Length: ")
        buffer.writeString(String(length))
        buffer.writeStaticString("\r\n\r\n")
    }

    /// Ends the head of a stream: its body follows in chunks (``InlineChunk``).
    static func endStream(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("Cache-Control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n")
    }

    /// Any response (an error answer), with a whole body of `length` bytes.
    static func write(_ response: HTTPResponse, length: Int, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString(String(response.status.code))
        buffer.writeStaticString(" ")
        writeValue(response.status.reasonPhrase, into: &buffer)
        buffer.writeStaticString("\r\n")
        for field in response.headerFields where field.name != .contentLength && field.name != .transferEncoding {
            buffer.writeString(field.name.rawName)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        endWhole(length: length, into: &buffer)
    }

    /// A field value as it stands when it is legal (visible ASCII, spaces and tabs, other UTF-8), with any other
    /// byte — a line break in a configured name — written as a space, as `HTTPFields` does.
    private static func writeValue(_ value: String, into buffer: inout ByteBuffer) {
        var value = value
        let legal = value.withUTF8 { bytes in bytes.allSatisfy { $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 } }
        if legal {
            buffer.writeString(value)
        } else {
            buffer.writeBytes(value.utf8.map { $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 ? $0 : 0x20 })
        }
    }
}
