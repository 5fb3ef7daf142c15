import Crypto
import Foundation

/// Secrets of keys made at run time: `fk_<id>_<32 random base-62 characters>` (190 bits), the id naming the key so
/// that a request's secret is checked against one salted hash, not all of them.
///
/// ```swift
/// let secret = KeySecret.newSecret(id: "0123456789ab")     // fk_0123456789ab_…
/// KeySecret.id(of: secret)                                 // "0123456789ab"
/// ```
public enum KeySecret {
    static let prefix = "fk_"
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    static func newID() -> String {
        (0..<6).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
    }

    static func newSecret(id: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = String(decoding: (0..<32).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] }, as: UTF8.self)
        return prefix + id + "_" + random
    }

    static func newSalt() -> String {
        (0..<16).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
    }

    /// The key id a secret names; nil for anything not shaped like a secret of ours (a static key, say).
    public static func id(of secret: String) -> String? {
        let utf8 = secret.utf8
        guard utf8.count == prefix.utf8.count + 12 + 1 + 32, secret.hasPrefix(prefix) else { return nil }
        let start = secret.index(secret.startIndex, offsetBy: prefix.count)
        let end = secret.index(start, offsetBy: 12)
        guard secret[end] == "_" else { return nil }
        return String(secret[start..<end])
    }

    /// Hex of SHA-256(salt ‖ secret).
    static func hash(_ secret: String, salt: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(salt.utf8))
        hasher.update(data: Array(secret.utf8))
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `secret` hashes to `hash` with `salt`, compared in constant time.
    static func matches(_ secret: String, salt: String, hash expected: String) -> Bool {
        guard let wanted = bytes(hex: expected) else { return false }
        return matches(secret, salt: Array(salt.utf8), digest: wanted)
    }

    /// ``matches(_:salt:hash:)`` with the salt's bytes and the digest decoded once (``KeyRing`` keeps them so).
    static func matches(_ secret: String, salt: [UInt8], digest wanted: [UInt8]) -> Bool {
        var hasher = SHA256()
        hasher.update(data: salt)
        var secret = secret
        secret.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        let digest = hasher.finalize()
        guard wanted.count == SHA256.byteCount else { return false }
        var difference: UInt8 = 0
        for (index, byte) in digest.enumerated() { difference |= byte ^ wanted[index] }
        return difference == 0
    }

    static func bytes(hex: String) -> [UInt8]? {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        for index in stride(from: 0, to: utf8.count, by: 2) {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

extension KeySecret {
    /// SHA-256 of `text`'s UTF-8 (static keys are looked up by it, so the ring keeps no secret).
    static func sha256(_ text: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(text.utf8)))
    }
}
