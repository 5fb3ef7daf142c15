import FerryCore
import Foundation
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
        let fed = try bytes.withContiguousStorageIfAvailable { try feed(UnsafeRawBufferPointer($0), onEvent) }
        if fed == nil { try Array(bytes).withUnsafeBytes { try feed($0, onEvent) } }
    }

    /// Feeds raw bytes: each line is found by scanning for its end, and handled where it lies in the chunk unless
    /// it began in an earlier one (then it is gathered in `line` first).
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ onEvent: (ServerSentEvent) throws -> Void) throws {
        var start = 0
        while start < bytes.count {
            if lastWasCR {
                lastWasCR = false
                if bytes[start] == UInt8(ascii: "\n") {
                    start += 1
                    continue
                }
            }
            let end = Self.lineEnd(in: bytes, from: start)
            let part = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            guard end < bytes.count else {
                guard line.count + part.count <= maxEventBytes else {
                    throw FerryError.tooLarge("A server-sent event line", limit: maxEventBytes)
                }
                line.append(contentsOf: part)
                return
            }
            lastWasCR = bytes[end] == UInt8(ascii: "\r")
            if line.isEmpty {
                guard part.count <= maxEventBytes else { throw FerryError.tooLarge("A server-sent event line", limit: maxEventBytes) }
                try endLine(part, onEvent)
            } else {
                line.append(contentsOf: part)
                guard line.count <= maxEventBytes else { throw FerryError.tooLarge("A server-sent event line", limit: maxEventBytes) }
                try endLine(line, onEvent)
                line.removeAll(keepingCapacity: true)
            }
            start = end + 1
        }
    }

    /// Where the line starting at `start` ends: its first CR or LF, or the end of `bytes`. `memchr` finds the LF
    /// (vectorised in libc), then the CR is looked for only before it.
    private static func lineEnd(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = bytes.baseAddress, start < bytes.count else { return bytes.count }
        let count = bytes.count - start
        let lineFeed = memchr(base + start, Int32(UInt8(ascii: "\n")), count).map { $0 - UnsafeMutableRawPointer(mutating: base) } ?? bytes.count
        let carriageReturn = memchr(base + start, Int32(UInt8(ascii: "\r")), lineFeed - start).map { $0 - UnsafeMutableRawPointer(mutating: base) }
        return carriageReturn ?? lineFeed
    }

    /// Whether a field name is `expected`.
    private static func isName(_ name: some Collection<UInt8>, _ expected: StaticString) -> Bool {
        guard name.count == expected.utf8CodeUnitCount else { return false }
        var position = 0
        for byte in name {
            if byte != expected.utf8Start[position] { return false }
            position += 1
        }
        return true
    }

    /// Ends the stream: an event whose final blank line never came is still delivered, when it has data.
    public mutating func finish(_ onEvent: (ServerSentEvent) throws -> Void) throws {
        if !line.isEmpty {
            try endLine(line, onEvent)
            line.removeAll(keepingCapacity: true)
        }
        try endLine(EmptyCollection<UInt8>(), onEvent)
    }

    private mutating func endLine<Line: Collection<UInt8>>(_ whole: Line, _ onEvent: (ServerSentEvent) throws -> Void) throws {
        var line = whole[...]
        if atStreamStart {
            atStreamStart = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        }
        if line.isEmpty {
            try dispatch(onEvent)
            return
        }
        if line.first == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let nameEnd = colon ?? line.endIndex
        var valueStart = colon.map { line.index(after: $0) } ?? line.endIndex
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart = line.index(after: valueStart) }
        let name = line[..<nameEnd]
        let value = line[valueStart...]
        if Self.isName(name, "data") {
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
            if data.count > maxEventBytes {
                throw FerryError.tooLarge("A server-sent event", limit: maxEventBytes)
            }
        } else if Self.isName(name, "event") {
            eventType = String(decoding: value, as: UTF8.self)
        } else if Self.isName(name, "id") {
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        } else if Self.isName(name, "retry") {
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
