import NIOCore

/// HTTP/1.1 chunked framing for inline streams, in place: a body part's buffer starts with room for its chunk
/// header, the events are encoded after it, and ``finish(_:)`` writes the header into that room once the size is
/// known — one buffer per part, nothing copied.
///
/// ```swift
/// var part = allocator.buffer(capacity: 1024)
/// InlineChunk.start(&part)
/// part.writeString("data: {…}\n\n")
/// if InlineChunk.finish(&part) { context.write(NIOAny(part), promise: nil) }
/// ```
enum InlineChunk {
    /// The room at a part's start: eight hex digits (a chunk under 4 GiB) and CRLF.
    private static let room = 10
    /// The chunk that ends a body.
    static let last: StaticString = "0\r\n\r\n"

    /// Makes room for the chunk header at the start of an empty `part`.
    static func start(_ part: inout ByteBuffer) {
        part.writeStaticString("00000000\r\n")
    }

    /// Whether anything was encoded since ``start(_:)``.
    static func hasContent(_ part: ByteBuffer) -> Bool {
        part.readableBytes > room
    }

    /// Frames what was encoded since ``start(_:)`` as one chunk; false, leaving `part` as it was, when nothing was.
    static func finish(_ part: inout ByteBuffer) -> Bool {
        guard hasContent(part) else { return false }
        let size = part.readableBytes - room
        let digits = (Int.bitWidth - size.leadingZeroBitCount + 3) / 4
        let start = part.readerIndex + 8 - digits
        for position in 0..<digits {
            let nibble = (size >> (4 * (digits - 1 - position))) & 0xF
            part.setInteger(UInt8(nibble < 10 ? 0x30 + nibble : 0x57 + nibble), at: start + position)
        }
        part.moveReaderIndex(forwardBy: 8 - digits)
        part.writeStaticString("\r\n")
        return true
    }
}
