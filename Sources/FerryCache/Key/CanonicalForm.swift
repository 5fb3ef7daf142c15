import Crypto
import FerryCore
import Foundation

/// The bytes a cache key hashes: values written one after another, each self-delimiting (a tag, then a length or a
/// fixed width), so that two different sequences of values never write the same bytes. Chat requests are written
/// field by field (``CacheKey/chat(_:route:tenant:)``: no encoder, one buffer, one hash); the rare parts with a
/// JSON shape of their own — tool definitions, a tool choice, a response format — as JSON with sorted keys, so
/// that their dictionaries' order (random in each process) never changes the key.
///
/// ```swift
/// var form = CanonicalForm(capacity: 256)
/// form.string("chat")
/// form.int(request.sampling.seed)
/// let digest = form.digest()
/// ```
struct CanonicalForm {
    private(set) var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    private enum Tag: UInt8 {
        case absent = 0, string, int, double, bool, count, json
    }

    /// A value that is not there (an optional's nil).
    mutating func absent() {
        bytes.append(Tag.absent.rawValue)
    }

    mutating func string(_ value: String) {
        bytes.append(Tag.string.rawValue)
        var value = value
        value.withUTF8 { utf8 in
            width(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func string(_ value: String?) {
        if let value { string(value) } else { absent() }
    }

    mutating func int(_ value: Int?) {
        guard let value else { return absent() }
        bytes.append(Tag.int.rawValue)
        width(value)
    }

    /// A number by its bits: 0.7 and 0.70 are the same double; -0 is written as 0.
    mutating func double(_ value: Double?) {
        guard let value else { return absent() }
        bytes.append(Tag.double.rawValue)
        width(Int(bitPattern: UInt(value == 0 ? 0 : value.bitPattern)))
    }

    mutating func bool(_ value: Bool) {
        bytes.append(Tag.bool.rawValue)
        bytes.append(value ? 1 : 0)
    }

    /// How many values of a list follow.
    mutating func count(_ value: Int) {
        bytes.append(Tag.count.rawValue)
        width(value)
    }

    /// A value with a JSON shape of its own, as JSON with sorted keys.
    mutating func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        bytes.append(Tag.json.rawValue)
        width(data.count)
        bytes.append(contentsOf: data)
    }

    private mutating func width(_ value: Int) {
        withUnsafeBytes(of: UInt64(bitPattern: Int64(value)).littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// The SHA-256 of what was written, as 64 lower-case hexadecimal digits.
    func digest() -> String {
        CacheKey.hex(SHA256.hash(data: bytes))
    }
}
