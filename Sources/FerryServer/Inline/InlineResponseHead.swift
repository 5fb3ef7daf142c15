import FerryCore
import FerryWire
import HTTPTypes
import NIOCore
import NIOHTTP1

/// Inline answers' heads as HTTP/1.1 bytes. The inline path writes past Hummingbird's HTTP codecs (see
/// ``InlineChatHandler``): through them, a head is built as `HTTPFields` (each value checked), turned into NIO's
/// `HTTPResponseHead`, then written field by field — about a sixth of a proxied answer's cost. The fields and their
/// spelling are those the codecs wrote; each head is written in one reserved room (``FerryWire/ByteWriter``).
///
/// ```swift
/// var head = ByteBuffer()
/// InlineResponseHead.writeAnswer(contentType: "application/json", date: dates.now, requestID: RequestIDs.nextBits(), backend: "vllm",
///                                overhead: .microseconds(120), framing: .length(body.readableBytes), into: &head)
/// ```
enum InlineResponseHead {
    /// How the body after the head is delimited.
    enum Framing {
        /// A whole body of this many bytes.
        case length(Int)
        /// A stream, in chunks (``InlineChunk``).
        case chunked
    }

    /// `200 OK` with the fields of every proxied answer: `x-request-id` is the id of `requestID`'s bits
    /// (``FerryCore/RequestIDs``), `x-ferry-overhead-ms` is `overhead` in milliseconds with three decimals, as the
    /// routes write them.
    static func writeAnswer(
        contentType: String, date: String, requestID: (high: UInt64, low: UInt64), backend: String, overhead: Duration, framing: Framing,
        into buffer: inout ByteBuffer
    ) {
        let size = 256 + contentType.utf8.count + date.utf8.count + RequestIDs.length + backend.utf8.count
        buffer.writeWithByteWriter(estimatedSize: size) { out in
            writeStart(contentType: contentType, date: date, requestID: requestID, backend: backend, into: &out)
            out.write("\r\nx-ferry-attempts: 1\r\nx-ferry-overhead-ms: ")
            writeMilliseconds(overhead, into: &out)
            out.write("\r\n")
            switch framing {
            case .length(let length): writeLength(length, into: &out)
            case .chunked: out.write("Cache-Control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n")
            }
        }
    }

    /// `200 OK` for an answer replayed from the response cache, with a whole body of `length` bytes: the fields the
    /// routes write on a hit — `x-ferry-backend` is the backend that gave the stored answer, `x-ferry-cache: hit`,
    /// `age` its whole seconds — and `x-ferry-overhead-ms`, all of the request's time.
    static func writeCached(
        contentType: String, date: String, requestID: (high: UInt64, low: UInt64), backend: String, age: Int, overhead: Duration, length: Int,
        into buffer: inout ByteBuffer
    ) {
        let size = 256 + contentType.utf8.count + date.utf8.count + RequestIDs.length + backend.utf8.count
        buffer.writeWithByteWriter(estimatedSize: size) { out in
            writeStart(contentType: contentType, date: date, requestID: requestID, backend: backend, into: &out)
            out.write("\r\nx-ferry-cache: hit\r\nage: ")
            out.write(decimal: age)
            out.write("\r\nx-ferry-overhead-ms: ")
            writeMilliseconds(overhead, into: &out)
            out.write("\r\n")
            writeLength(length, into: &out)
        }
    }

    /// The status line and the fields every answer starts with, up to `x-ferry-backend`'s value.
    private static func writeStart(contentType: String, date: String, requestID: (high: UInt64, low: UInt64), backend: String, into out: inout ByteWriter) {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: ")
        out.write(contentType)
        out.write("\r\nDate: ")
        writeValue(date, into: &out)
        out.write("\r\nServer: Ferry\r\nx-request-id: ")
        out.write(count: RequestIDs.length) { RequestIDs.write(high: requestID.high, low: requestID.low, into: $0) }
        out.write("\r\nx-ferry-backend: ")
        writeValue(backend, into: &out)
    }

    /// Any response (an error answer), with a whole body of `length` bytes.
    static func write(_ response: HTTPResponse, length: Int, into buffer: inout ByteBuffer) {
        buffer.writeWithByteWriter(estimatedSize: 512) { out in
            out.write("HTTP/1.1 ")
            out.write(decimal: response.status.code)
            out.write(" ")
            // A status made from its code alone has no phrase; NIO's codec (the routes' answers) writes the standard one.
            let phrase = response.status.reasonPhrase.isEmpty ? HTTPResponseStatus(statusCode: response.status.code).reasonPhrase : response.status.reasonPhrase
            writeValue(phrase, into: &out)
            out.write("\r\n")
            for field in response.headerFields where field.name != .contentLength && field.name != .transferEncoding {
                out.write(field.name.rawName)
                out.write(": ")
                out.write(field.value)
                out.write("\r\n")
            }
            writeLength(length, into: &out)
        }
    }

    private static func writeLength(_ length: Int, into out: inout ByteWriter) {
        out.write("Content-Length: ")
        out.write(decimal: length)
        out.write("\r\n\r\n")
    }

    /// `3.042`: ``FerryCore/Duration/millisecondsText``, written without making the string.
    private static func writeMilliseconds(_ duration: Duration, into out: inout ByteWriter) {
        let micros = duration.wholeMicroseconds
        out.write(decimal: Int(micros / 1000))
        let fraction = Int(micros % 1000)
        out.write(byte: UInt8(ascii: "."))
        out.write(byte: UInt8(ascii: "0") + UInt8(fraction / 100))
        out.write(byte: UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        out.write(byte: UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    /// A field value as it stands when it is legal (visible ASCII, spaces and tabs, other UTF-8), with any other
    /// byte — a line break in a configured name — written as a space, as `HTTPFields` does.
    private static func writeValue(_ value: String, into out: inout ByteWriter) {
        var value = value
        value.withUTF8 { bytes in
            func legal(_ byte: UInt8) -> Bool { byte >= 0x20 && byte != 0x7F || byte == 0x09 }
            if bytes.allSatisfy(legal) { return out.write(UnsafeRawBufferPointer(bytes)) }
            for byte in bytes { out.write(byte: legal(byte) ? byte : 0x20) }
        }
    }
}
