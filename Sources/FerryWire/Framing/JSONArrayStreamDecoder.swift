import FerryCore
import NIOCore

/// Incrementally splits a streamed top-level JSON array (`[{…},{…}]`, Gemini's `streamGenerateContent`
/// without `alt=sse`) into its elements' bytes, as each element completes.
///
/// ```swift
/// var decoder = JSONArrayStreamDecoder()
/// try decoder.feed(chunk) { element in handle(element) }
/// try decoder.finish()
/// ```
public struct JSONArrayStreamDecoder: Sendable {
    private enum State: Sendable {
        case beforeArray
        case betweenElements
        case inElement
        case afterArray
    }

    public let maxElementBytes: Int
    private var state = State.beforeArray
    private var element: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false

    public init(maxElementBytes: Int = 8 << 20) {
        self.maxElementBytes = maxElementBytes
    }

    public mutating func feed(_ buffer: ByteBuffer, _ onElement: ([UInt8]) throws -> Void) throws {
        try buffer.withUnsafeReadableBytes { bytes in try feed(bytes, onElement) }
    }

    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes, _ onElement: ([UInt8]) throws -> Void) throws
    where Bytes.Element == UInt8 {
        for byte in bytes {
            switch state {
            case .beforeArray:
                if Self.isSpace(byte) || byte == 0xEF || byte == 0xBB || byte == 0xBF { continue }
                guard byte == UInt8(ascii: "[") else { throw Self.malformed("expected `[` to open the array") }
                state = .betweenElements
            case .betweenElements:
                if Self.isSpace(byte) || byte == UInt8(ascii: ",") { continue }
                if byte == UInt8(ascii: "]") {
                    state = .afterArray
                    continue
                }
                state = .inElement
                try consumeElementByte(byte, onElement)
            case .inElement:
                try consumeElementByte(byte, onElement)
            case .afterArray:
                guard Self.isSpace(byte) else { throw Self.malformed("bytes after the closing `]`") }
            }
        }
    }

    /// Ends the stream; throws when the array was not closed.
    public mutating func finish() throws {
        switch state {
        case .afterArray: return
        case .beforeArray: throw Self.malformed("the body is empty")
        case .betweenElements, .inElement: throw Self.malformed("the array was not closed")
        }
    }

    private mutating func consumeElementByte(_ byte: UInt8, _ onElement: ([UInt8]) throws -> Void) throws {
        element.append(byte)
        if element.count > maxElementBytes {
            throw FerryError.tooLarge("A streamed JSON array element", limit: maxElementBytes)
        }
        if inString {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inString = false
            }
            return
        }
        switch byte {
        case UInt8(ascii: "\""): inString = true
        case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            depth -= 1
            if depth == 0 {
                try onElement(element)
                element.removeAll(keepingCapacity: true)
                state = .betweenElements
            } else if depth < 0 {
                throw Self.malformed("unbalanced `\(Character(UnicodeScalar(byte)))`")
            }
        default:
            if depth == 0 { throw Self.malformed("array elements must be objects or arrays") }
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }

    private static func malformed(_ detail: String) -> FerryError {
        FerryError.invalidResponse("streamed JSON array: \(detail)", location: ErrorLocation())
    }
}
