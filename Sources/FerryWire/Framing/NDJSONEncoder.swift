import NIOCore

/// Writes newline-delimited JSON: each value's JSON followed by `\n`.
public enum NDJSONEncoder {
    /// Writes one line of already-encoded JSON bytes.
    public static func writeLine<Bytes: Collection>(_ json: Bytes, into buffer: inout ByteBuffer) where Bytes.Element == UInt8 {
        buffer.writeBytes(json)
        buffer.writeStaticString("\n")
    }
}
