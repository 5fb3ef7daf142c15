import NIOCore

/// A wire type with a hand-written JSON reader for the hot path. ``WireJSON`` tries it first; when it misses
/// (``JSONScanner/Miss``: a shape it does not handle, or malformed input) the type's `Decodable` conformance reads
/// the bytes instead and reports any error — so both paths always agree on what they accept.
package protocol FastJSONDecodable {
    static func read(_ json: inout JSONScanner) throws -> Self
}

/// A wire type with a hand-written JSON writer for the hot path; ``WireJSON`` uses `Encodable` when it declines.
protocol FastJSONEncodable {
    /// Writes the value and returns true, or returns false having written nothing when the value has parts
    /// (tool definitions, content parts…) only the `Encodable` conformance writes.
    func writeJSON(into out: inout ByteWriter) -> Bool

    /// About how many bytes ``writeJSON(into:)`` writes: the room reserved first (short costs a second pass).
    var estimatedJSONSize: Int { get }
}

extension FastJSONEncodable {
    var estimatedJSONSize: Int { 512 }
}

extension ByteBuffer {
    /// Writes `value` with its hand-written writer; false, having written nothing, when that declines.
    mutating func writeFastJSON(_ value: some FastJSONEncodable) -> Bool {
        var wrote = true
        writeWithByteWriter(estimatedSize: value.estimatedJSONSize) { out in wrote = value.writeJSON(into: &out) }
        return wrote
    }
}

extension WireJSON {
    /// What the hand-written writer of `value`'s type writes, when it has one and does not decline; for the fuzz
    /// targets (`FerryFuzzing`), which compare it with Codable.
    package static func writtenByHand(_ value: some Encodable) -> ByteBuffer? {
        guard let fast = value as? any FastJSONEncodable else { return nil }
        var buffer = ByteBuffer()
        return buffer.writeFastJSON(fast) ? buffer : nil
    }
}
