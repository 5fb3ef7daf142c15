import NIOCore

/// Writes newline-delimited JSON: each value's JSON followed by `\n`.
public enum NDJSONEncoder {
    /// Writes `value` as one line of compact JSON, straight into the buffer (the hand-written writer when the type
    /// has one).
    public static func writeLine(_ value: some Encodable, into buffer: inout ByteBuffer) throws {
        try WireJSON.encode(value, into: &buffer)
        buffer.writeStaticString("\n")
    }
}
