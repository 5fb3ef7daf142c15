import NIOCore

/// Writes JSON straight into a `ByteBuffer`, for the hand-written encoders of the hot path (stream chunks, whole
/// answers): no intermediate `Data`, no `Encodable` machinery. Output is compact, slashes unescaped — the same
/// JSON ``WireJSON/encode(_:)`` writes.
///
/// ```swift
/// var buffer = ByteBuffer()
/// buffer.writeStaticString(#"{"content":"#)
/// JSONWriter.writeString("say \"hi\"\n", into: &buffer)   // "say \"hi\"\n"
/// buffer.writeStaticString("}")
/// ```
enum JSONWriter {
    /// A JSON string literal: quoted, with `"`, `\` and control characters escaped.
    static func writeString(_ string: String, into buffer: inout ByteBuffer) {
        var string = string
        string.withUTF8 { utf8 in
            buffer.reserveCapacity(minimumWritableBytes: utf8.count + 2)
            buffer.writeInteger(UInt8(ascii: "\""))
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if index > runStart { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[runStart..<index])) }
                writeEscape(byte, into: &buffer)
                runStart = index + 1
            }
            if utf8.count > runStart { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[runStart..<utf8.count])) }
            buffer.writeInteger(UInt8(ascii: "\""))
        }
    }

    /// A string literal, or `null`.
    static func writeOptionalString(_ string: String?, into buffer: inout ByteBuffer) {
        if let string { writeString(string, into: &buffer) } else { buffer.writeStaticString("null") }
    }

    static func writeInt(_ value: Int, into buffer: inout ByteBuffer) {
        buffer.writeString(String(value))
    }

    /// A finite number in Swift's shortest round-trip form (`0.7`, `1e-05`); the caller checked it is finite.
    static func writeDouble(_ value: Double, into buffer: inout ByteBuffer) {
        buffer.writeString(value.description)
    }

    private static func writeEscape(_ byte: UInt8, into buffer: inout ByteBuffer) {
        switch byte {
        case UInt8(ascii: "\""): buffer.writeStaticString(#"\""#)
        case UInt8(ascii: "\\"): buffer.writeStaticString(#"\\"#)
        case 0x0A: buffer.writeStaticString(#"\n"#)
        case 0x0D: buffer.writeStaticString(#"\r"#)
        case 0x09: buffer.writeStaticString(#"\t"#)
        case 0x08: buffer.writeStaticString(#"\b"#)
        case 0x0C: buffer.writeStaticString(#"\f"#)
        default:
            let hex: StaticString = "0123456789abcdef"
            buffer.writeStaticString(#"\u00"#)
            buffer.writeInteger(hex.utf8Start[Int(byte >> 4)])
            buffer.writeInteger(hex.utf8Start[Int(byte & 0x0F)])
        }
    }
}
