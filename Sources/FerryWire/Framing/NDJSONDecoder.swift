import FerryCore
import NIOCore

/// An incremental newline-delimited JSON decoder: hands out each non-empty line's bytes, whatever the chunk
/// boundaries. A trailing `\r` is dropped; lines are bounded by `maxLineBytes`.
///
/// ```swift
/// var decoder = NDJSONDecoder()
/// try decoder.feed(chunk) { line in let value = try JSONDecoder().decode(OllamaChatResponse.self, from: Data(line)) }
/// try decoder.finish { line in … }
/// ```
public struct NDJSONDecoder: Sendable {
    public let maxLineBytes: Int
    private var line: [UInt8] = []

    public init(maxLineBytes: Int = 8 << 20) {
        self.maxLineBytes = maxLineBytes
        line.reserveCapacity(256)
    }

    public mutating func feed(_ buffer: ByteBuffer, _ onLine: ([UInt8]) throws -> Void) throws {
        try buffer.withUnsafeReadableBytes { bytes in try feed(bytes, onLine) }
    }

    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes, _ onLine: ([UInt8]) throws -> Void) throws
    where Bytes.Element == UInt8 {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                try endLine(onLine)
            } else {
                line.append(byte)
                if line.count > maxLineBytes {
                    throw FerryError.tooLarge("An NDJSON line", limit: maxLineBytes)
                }
            }
        }
    }

    /// Ends the stream; a last line without a newline is still delivered.
    public mutating func finish(_ onLine: ([UInt8]) throws -> Void) throws {
        try endLine(onLine)
    }

    private mutating func endLine(_ onLine: ([UInt8]) throws -> Void) throws {
        defer { line.removeAll(keepingCapacity: true) }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { return }
        try onLine(line)
    }
}
