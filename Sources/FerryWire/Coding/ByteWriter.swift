import NIOCore

/// Writes many small pieces — a JSON body's keys and values, an HTTP head's fields — into room reserved once in a
/// `ByteBuffer`. Each of `ByteBuffer`'s own writes checks the buffer's storage (its uniqueness, its capacity, and
/// Swift's exclusive-access check of the storage object); for the dozens of pieces of a request body or an answer's
/// head, those checks cost several times the copying. Here each piece is a bounds check and a copy.
///
/// Made by ``NIOCore/ByteBuffer/writeWithByteWriter(estimatedSize:_:)``, which runs the writing closure again with
/// exactly the room it needed when the estimate was short: once the room runs out the writer only counts.
///
/// ```swift
/// var buffer = ByteBuffer()
/// buffer.writeWithByteWriter(estimatedSize: 64) { out in
///     out.write(#"{"model":"#)
///     out.writeJSONString("qwen")
///     out.write("}")
/// }
/// ```
public struct ByteWriter: ~Copyable {
    @usableFromInline let base: UnsafeMutableRawPointer?
    @usableFromInline let capacity: Int
    /// The bytes written — or, once the room ran out, that would have been.
    @usableFromInline var written = 0

    /// The bytes written — or, once the room ran out, that would have been.
    public var count: Int { written }

    @usableFromInline init(_ room: UnsafeMutableRawBufferPointer) {
        base = room.baseAddress
        capacity = room.count
    }

    /// Whether everything written so far fitted in the room.
    @usableFromInline var fits: Bool { written <= capacity }

    @inlinable
    public mutating func write(_ bytes: UnsafeRawBufferPointer) {
        let end = written + bytes.count
        if end <= capacity, let source = bytes.baseAddress, let base {
            (base + written).copyMemory(from: source, byteCount: bytes.count)
        }
        written = end
    }

    @inlinable
    public mutating func write(_ text: StaticString) {
        write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inlinable
    public mutating func write(byte: UInt8) {
        if written < capacity, let base { base.storeBytes(of: byte, toByteOffset: written, as: UInt8.self) }
        written += 1
    }

    /// `count` bytes that `fill` writes in place (it is not called when they do not fit).
    public mutating func write(count: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Void) {
        let end = written + count
        if end <= capacity, let base { fill(UnsafeMutableRawBufferPointer(start: base + written, count: count)) }
        written = end
    }

    /// `text`'s UTF-8 bytes as they stand.
    public mutating func write(_ text: String) {
        text.withUTF8Bytes { write(UnsafeRawBufferPointer($0)) }
    }

    /// `value` in decimal, without making a string.
    public mutating func write(decimal value: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes: the longest Int with its sign is 20
        withUnsafeMutableBytes(of: &digits) { room in
            var position = room.count
            var rest = value.magnitude
            repeat {
                position -= 1
                room[position] = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0")
                rest /= 10
            } while rest > 0
            if value < 0 {
                position -= 1
                room[position] = UInt8(ascii: "-")
            }
            write(UnsafeRawBufferPointer(rebasing: room[position...]))
        }
    }
}

extension ByteBuffer {
    /// Writes what `body` writes at the writer index, in room of `estimatedSize` bytes reserved first; when `body`
    /// writes more, it runs a second time with exactly the room it asked for, so it must write the same bytes
    /// each time it runs. Returns the number of bytes written.
    @discardableResult
    public mutating func writeWithByteWriter(estimatedSize: Int, _ body: (inout ByteWriter) throws -> Void) rethrows -> Int {
        var needed = 0
        let written = try writeWithUnsafeMutableBytes(minimumWritableBytes: max(estimatedSize, 0)) { room in
            var writer = ByteWriter(room)
            try body(&writer)
            needed = writer.count
            return writer.fits ? writer.count : 0
        }
        guard needed > written else { return written }
        return try writeWithUnsafeMutableBytes(minimumWritableBytes: needed) { room in
            var writer = ByteWriter(room)
            try body(&writer)
            precondition(writer.fits, "a ByteWriter body wrote \(writer.count) bytes, having asked for \(needed)")
            return writer.count
        }
    }
}
