import Foundation
import Synchronization

/// The keys a running gateway accepts, in memory: the configuration's static keys and a snapshot of the stored ones,
/// replaced whole when the store changes (``AccessControl`` polls it). A request's secret is checked against one
/// salted hash, found by the id the secret carries; static keys by their SHA-256.
///
/// ```swift
/// let ring = KeyRing(staticKeys: ["sk-local"])
/// ring.replace(with: try await store.keys())
/// switch ring.authenticate("fk_…") { case .success(let identity): …; case .failure(let refusal): … }
/// ```
public final class KeyRing: Sendable {
    struct Entry {
        var identity: KeyIdentity
        var salt: [UInt8]
        var digest: [UInt8]
        var disabled: Bool
        var expiresAt: Date?
    }

    private struct Snapshot {
        var stored: [String: Entry] = [:]
        var staticDigests: [[UInt8]: KeyIdentity] = [:]
    }

    private let snapshot: Mutex<Snapshot>
    private let anyKey = Atomic<Bool>(false)

    public init(staticKeys: [String]) {
        var snapshot = Snapshot()
        for (index, key) in staticKeys.enumerated() {
            snapshot.staticDigests[Self.digest(key)] = KeyIdentity(id: "static-\(index + 1)", name: "static-\(index + 1)", routes: nil, limits: KeyLimits())
        }
        self.snapshot = Mutex(snapshot)
        anyKey.store(!staticKeys.isEmpty, ordering: .relaxed)
    }

    /// Whether every request needs a key: one exists, configured or stored (disabled ones too).
    public var required: Bool { anyKey.load(ordering: .relaxed) }

    /// Puts `keys` (all the stored ones) in place of the snapshot.
    public func replace(with keys: [APIKey]) {
        var stored: [String: Entry] = [:]
        for key in keys {
            guard let digest = KeySecret.bytes(hex: key.hash) else { continue }
            stored[key.id] = Entry(
                identity: KeyIdentity(id: key.id, name: key.name, routes: key.routes.isEmpty ? nil : Set(key.routes), limits: key.limits),
                salt: Array(key.salt.utf8), digest: digest, disabled: key.disabled, expiresAt: key.expiresAt
            )
        }
        let any = snapshot.withLock { snapshot in
            snapshot.stored = stored
            return !snapshot.stored.isEmpty || !snapshot.staticDigests.isEmpty
        }
        anyKey.store(any, ordering: .relaxed)
    }

    /// The identity of the key `secret`, or why it is refused (missing, unknown, disabled, expired).
    public func authenticate(_ secret: String?, now: Date = Date()) -> Result<KeyIdentity, Refusal> {
        guard let secret, !secret.isEmpty else { return .failure(.missingKey) }
        if let id = KeySecret.id(of: secret) {
            guard let entry = snapshot.withLock({ $0.stored[id] }), KeySecret.matches(secret, salt: entry.salt, digest: entry.digest) else { return .failure(.unknownKey) }
            if entry.disabled { return .failure(.disabledKey(entry.identity.name)) }
            if let expiresAt = entry.expiresAt, expiresAt <= now { return .failure(.expiredKey(entry.identity.name, expiresAt)) }
            return .success(entry.identity)
        }
        let digest = Self.digest(secret)
        guard let identity = snapshot.withLock({ $0.staticDigests[digest] }) else { return .failure(.unknownKey) }
        return .success(identity)
    }

    private static func digest(_ key: String) -> [UInt8] {
        KeySecret.sha256(key)
    }
}
