import FerryCore
import NIOCore

/// An incremental Server-Sent Events decoder over byte chunks whose boundaries mean nothing.
///
/// Follows the WHATWG rules: lines end in CRLF, LF or CR (a CRLF split across chunks counts once); `data` lines
/// are joined with `\n`; one space after the colon is dropped; comment lines (`:`) are ignored; an empty line
/// dispatches; a leading UTF-8 BOM is skipped. Bytes are only turned into text when a line is complete, so
/// multi-byte characters split across chunks decode correctly. Lines and events are bounded by `maxEventBytes`.
///
/// ```swift
/// var decoder = SSEDecoder()
/// for try await chunk in body {
///     try decoder.feed(chunk) { event in handle(event.data) }
/// }
/// try decoder.finish { event in handle(event.data) }
/// ```
public struct SSEDecoder: Sendable {
    public let maxEventBytes: Int
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType: String?
    private var lastEventID: String?
    private var retry: Int?
    private var lastWasCR = false
    private var atStreamStart = true

    public init(maxEventBytes: Int = 8 << 20) {
        self.maxEventBytes = maxEventBytes
        line.reserveCapacity(256)
    }

    /// Feeds a chunk; calls `onEvent` for every event it completes.
    public mutating func feed(_ buffer: ByteBuffer, _ onEvent: (ServerSentEvent) throws -> Void) throws {
        try buffer.withUnsafeReadableBytes { bytes in
            try feed(bytes, onEvent)
        }
    }

    /// Feeds a chunk of bytes; calls `onEvent` for every event it completes.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes, _ onEvent: (ServerSentEvent) throws -> Void) throws
    where Bytes.Element == UInt8 {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n"):
                if lastWasCR {
                    lastWasCR = false
                    continue
                }
                try endLine(onEvent)
            case UInt8(ascii: "\r"):
                lastWasCR = true
                try endLine(onEvent)
            default:
                lastWasCR = false
                line.append(byte)
                if line.count > maxEventBytes {
                    throw FerryError.tooLarge("A server-sent event line", limit: maxEventBytes)
                }
            }
        }
    }

    /// Ends the stream: an event whose final blank line never came is still delivered, when it has data.
    public mutating func finish(_ onEvent: (ServerSentEvent) throws -> Void) throws {
        if !line.isEmpty { try endLine(onEvent) }
        try endLine(onEvent)
    }

    private mutating func endLine(_ onEvent: (ServerSentEvent) throws -> Void) throws {
        if atStreamStart {
            atStreamStart = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            try dispatch(onEvent)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let nameEnd = colon ?? line.endIndex
        var valueStart = colon.map { line.index(after: $0) } ?? line.endIndex
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let name = line[..<nameEnd]
        let value = line[valueStart...]
        if name.elementsEqual("data".utf8) {
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
            if data.count > maxEventBytes {
                throw FerryError.tooLarge("A server-sent event", limit: maxEventBytes)
            }
        } else if name.elementsEqual("event".utf8) {
            eventType = String(decoding: value, as: UTF8.self)
        } else if name.elementsEqual("id".utf8) {
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        } else if name.elementsEqual("retry".utf8) {
            if !value.isEmpty, value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                retry = Int(String(decoding: value, as: UTF8.self))
            }
        }
    }

    private mutating func dispatch(_ onEvent: (ServerSentEvent) throws -> Void) throws {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType = nil
        }
        guard hasData else { return }
        try onEvent(ServerSentEvent(event: eventType, data: data, id: lastEventID, retry: retry))
    }
}
