import Synchronization

/// Request ids: random version-4 UUIDs in lowercase, drawn from a generator seeded once from the system's random
/// source — unique like `UUID()`, without its system call and string conversions on every request.
///
/// ```swift
/// let id = RequestIDs.next()  // e.g. "0f8b6c1e-4a2d-4e7f-9b1c-2d3e4f5a6b7c"
/// ```
public enum RequestIDs {
    private static let generator = Mutex(SplitMix64(seed: UInt64.random(in: .min ... .max)))

    /// A new id.
    public static func next() -> String {
        let (high, low) = nextBits()
        return format(high: high, low: low)
    }

    /// A new id's 128 bits, for writers that put its text in place (``write(high:low:into:)``).
    public static func nextBits() -> (high: UInt64, low: UInt64) {
        let (high, low) = generator.withLock { ($0.next(), $0.next()) }
        return (high & 0xFFFF_FFFF_FFFF_0FFF | 0x4000, low & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000)
    }

    /// A new id as 32 lowercase hex digits without dashes, for ids with a prefix (`resp_…`).
    public static func compact() -> String {
        let (high, low) = nextBits()
        return String(unsafeUninitializedCapacity: 32) { text in write(high: high, low: low, dashes: false, into: UnsafeMutableRawBufferPointer(text)) }
    }

    /// The length of an id's text.
    public static let length = 36

    /// 128 bits as `8-4-4-4-12` lowercase hex digits, most significant first.
    public static func format(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: length) { text in write(high: high, low: low, into: UnsafeMutableRawBufferPointer(text)) }
    }

    /// Writes ``format(high:low:)``'s ``length`` characters at the start of `text`, which has room for them (32
    /// without `dashes`); returns how many it wrote.
    @discardableResult
    public static func write(high: UInt64, low: UInt64, dashes: Bool = true, into text: UnsafeMutableRawBufferPointer) -> Int {
        precondition(text.count >= (dashes ? length : 32), "a request id needs \(dashes ? length : 32) bytes")
        let digits: StaticString = "0123456789abcdef"
        var at = 0
        for nibble in 0..<32 {
            if dashes, nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                text[at] = UInt8(ascii: "-")
                at += 1
            }
            let word = nibble < 16 ? high : low
            text[at] = digits.utf8Start[Int((word >> UInt64(60 - 4 * (nibble & 15))) & 0xF)]
            at += 1
        }
        return at
    }
}
