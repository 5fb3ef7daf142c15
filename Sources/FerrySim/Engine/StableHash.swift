
/// FNV-1a, a stable 64-bit hash (Swift's `Hasher` is seeded per process, so it cannot key deterministic output).
public struct StableHash: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func combine(_ text: String) {
        for byte in text.utf8 { combine(byte) }
        combine(UInt8(0xFF))
    }

    public mutating func combine(_ number: UInt64) {
        var n = number
        for _ in 0..<8 {
            combine(UInt8(truncatingIfNeeded: n))
            n >>= 8
        }
    }

    public mutating func combine(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }
}
