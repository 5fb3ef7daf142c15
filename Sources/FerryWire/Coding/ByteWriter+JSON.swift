/// JSON values for the hand-written encoders of the hot path (stream chunks, whole answers, request bodies): no
/// intermediate `Data`, no `Encodable` machinery. Output is compact, slashes unescaped — the same JSON
/// ``WireJSON/encode(_:)`` writes.
///
/// ```swift
/// var buffer = ByteBuffer()
/// buffer.writeWithByteWriter(estimatedSize: 32) { out in
///     out.write(#"{"content":"#)
///     out.writeJSONString("say \"hi\"\n")   // "say \"hi\"\n"
///     out.write("}")
/// }
/// ```
extension ByteWriter {
    /// A JSON string literal: quoted, with `"`, `\` and control characters escaped.
    mutating func writeJSONString(_ string: String) {
        string.withUTF8Bytes { utf8 in
            write(byte: UInt8(ascii: "\""))
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if index > runStart { write(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[runStart..<index])) }
                writeEscape(byte)
                runStart = index + 1
            }
            if utf8.count > runStart { write(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[runStart..<utf8.count])) }
            write(byte: UInt8(ascii: "\""))
        }
    }

    /// A string literal, or `null`.
    mutating func writeJSONString(_ string: String?) {
        if let string { writeJSONString(string) } else { write("null") }
    }

    /// A finite number in Swift's shortest round-trip form (`0.7`, `1e-05`), a whole one without its `.0` (`1`), as
    /// Foundation's `JSONEncoder` writes it; the caller checked it is finite.
    mutating func writeJSONNumber(_ value: Double) {
        let text = value.description
        write(text.hasSuffix(".0") ? String(text.dropLast(2)) : text)
    }

    private mutating func writeEscape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): write(#"\""#)
        case UInt8(ascii: "\\"): write(#"\\"#)
        case 0x0A: write(#"\n"#)
        case 0x0D: write(#"\r"#)
        case 0x09: write(#"\t"#)
        case 0x08: write(#"\b"#)
        case 0x0C: write(#"\f"#)
        default:
            let hex: StaticString = "0123456789abcdef"
            write(#"\u00"#)
            write(byte: hex.utf8Start[Int(byte >> 4)])
            write(byte: hex.utf8Start[Int(byte & 0x0F)])
        }
    }
}
