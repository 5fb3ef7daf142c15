@testable import FerryAccess
import FerryCore
import Foundation
import Testing

@Suite("Keys: secrets, salted hashes, the ring")
struct KeyRingTests {
    @Test("a secret names its key and matches only its own salted hash; the hash is not the secret")
    func secrets() throws {
        let (key, secret) = APIKey.make(name: "team")
        #expect(KeySecret.id(of: secret) == key.id)
        #expect(key.accepts(secret))
        #expect(!key.accepts(secret + "x"))
        #expect(!key.hash.contains(secret) && !secret.contains(key.hash))
        let (rotated, newSecret) = key.rotated()
        #expect(rotated.id == key.id && rotated.accepts(newSecret) && !rotated.accepts(secret))
        let encoded = String(decoding: try JSONEncoder().encode(key), as: UTF8.self)
        #expect(!encoded.contains(secret))
    }

    @Test("the ring: unknown, disabled, expired and missing keys refused; static keys accepted; keys required once any exists")
    func ring() throws {
        let ring = KeyRing(staticKeys: [])
        #expect(!ring.required)
        let (active, activeSecret) = APIKey.make(name: "active", routes: ["default"])
        var (disabled, disabledSecret) = APIKey.make(name: "off")
        disabled.disabled = true
        let (expired, expiredSecret) = APIKey.make(name: "old", expiresAt: Date(timeIntervalSinceNow: -5))
        ring.replace(with: [active, disabled, expired])
        #expect(ring.required)
        #expect(try ring.authenticate(activeSecret).get().name == "active")
        #expect(try ring.authenticate(activeSecret).get().routes == ["default"])
        #expect(ring.authenticate(nil) == .failure(.missingKey))
        #expect(ring.authenticate("fk_" + active.id + "_" + String(repeating: "A", count: 32)) == .failure(.unknownKey))
        #expect(ring.authenticate(disabledSecret) == .failure(.disabledKey("off")))
        if case .failure(.expiredKey("old", _)) = ring.authenticate(expiredSecret) {} else { Issue.record("an expired key was not refused as expired") }
        ring.replace(with: [])
        #expect(!ring.required)
        #expect(ring.authenticate(activeSecret) == .failure(.unknownKey) || !ring.required)

        let configured = KeyRing(staticKeys: ["sk-one", "sk-two"])
        #expect(configured.required)
        #expect(try configured.authenticate("sk-two").get().id == "static-2")
        #expect(configured.authenticate("sk-three") == .failure(.unknownKey))
    }

    @Test("refusals: 401, 403 naming the routes, 429 with Retry-After — and never a secret")
    func refusals() {
        #expect(Refusal.unknownKey.error.httpStatus == 401)
        let route = Refusal.routeNotAllowed(key: "team", route: "big", allowed: ["small", "default"]).error
        #expect(route.httpStatus == 403 && route.description.contains("default, small"))
        let rpm = Refusal.tooManyRequests(key: "team", limit: 5, retryAfter: .seconds(12)).error
        #expect(rpm.httpStatus == 429 && rpm.retryAfter == .seconds(12))
    }

    @Test("new keys: fields checked, naming the field; expiry as a duration or a date")
    func newKeys() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let (key, _) = try NewKey(name: "a-team", rpm: 10, expires: "30d").make(now: now)
        #expect(key.expiresAt == now.addingTimeInterval(30 * 86_400) && key.limits.requestsPerMinute == 10)
        #expect(try NewKey(name: "b", expires: "2027-01-31").make().0.expiresAt == Date(timeIntervalSince1970: 1_801_353_600))
        #expect(throws: FerryError.self) { try NewKey(name: "has space").make() }
        do {
            _ = try NewKey(name: "c", maxParallel: 0).make()
            Issue.record("max_parallel 0 was accepted")
        } catch {
            #expect(error.field == "max_parallel")
        }
    }
}
