@testable import FerryAccess
import FerryCore
import Foundation
import Testing

@Suite("Key limits: windows, verdicts, Retry-After")
struct KeyLimitsTests {
    static let second: UInt64 = 1_000_000_000

    @Test("requests per minute: exact over a sliding minute, Retry-After from the oldest admission")
    func requestsPerMinute() {
        var load = KeyLoad()
        let limits = KeyLimits(requestsPerMinute: 3)
        let start = 1_000 * Self.second
        for offset in [0, 10, 20] as [UInt64] {
            #expect(load.admit(limits, now: start + offset * Self.second) == .admitted)
            load.finish(tokens: 0, now: start + offset * Self.second)
        }
        #expect(load.admit(limits, now: start + 30 * Self.second) == .requests(retryAfterSeconds: 30))
        #expect(load.admit(limits, now: start + 59 * Self.second + 500_000_000) == .requests(retryAfterSeconds: 1))
        // Sixty seconds after the first, one place is free again — and only one.
        #expect(load.admit(limits, now: start + 60 * Self.second) == .admitted)
        #expect(load.admit(limits, now: start + 61 * Self.second) == .requests(retryAfterSeconds: 9))
    }

    @Test("tokens per minute: admitted while the minute's tokens are under the limit; Retry-After when enough leave")
    func tokensPerMinute() {
        var load = KeyLoad()
        let limits = KeyLimits(tokensPerMinute: 100)
        let start = 5_000 * Self.second
        #expect(load.admit(limits, now: start) == .admitted)
        load.finish(tokens: 60, now: start)
        #expect(load.admit(limits, now: start + 10 * Self.second) == .admitted)
        load.finish(tokens: 50, now: start + 10 * Self.second)
        // 110 used: refused until the first 60 leave the window, 50 s later.
        #expect(load.admit(limits, now: start + 10 * Self.second) == .tokens(retryAfterSeconds: 50))
        #expect(load.admit(limits, now: start + 60 * Self.second) == .admitted)
    }

    @Test("parallel: requests in progress, freed as they end; a withdrawn admission counts nothing")
    func parallel() {
        var load = KeyLoad()
        let limits = KeyLimits(requestsPerMinute: 10, maxParallel: 2)
        #expect(load.admit(limits, now: Self.second) == .admitted)
        #expect(load.admit(limits, now: 2 * Self.second) == .admitted)
        #expect(load.admit(limits, now: 3 * Self.second) == .parallel)
        load.withdraw(admittedAt: 2 * Self.second)
        #expect(load.inFlight == 1 && load.admissions.count == 1)
        #expect(load.admit(limits, now: 4 * Self.second) == .admitted)
        load.finish(tokens: 5, now: 5 * Self.second)
        #expect(load.inFlight == 1)
    }

    @Test("other replicas' load counts against the same limits")
    func remoteLoad() {
        var load = KeyLoad()
        load.remote = RemoteLoad(requests: 2, tokens: 0, inFlight: 0)
        #expect(load.admit(KeyLimits(requestsPerMinute: 3), now: Self.second) == .admitted)
        #expect(load.admit(KeyLimits(requestsPerMinute: 3), now: 2 * Self.second) == .requests(retryAfterSeconds: 59))
        load.remote = RemoteLoad(requests: 0, tokens: 0, inFlight: 4)
        #expect(load.admit(KeyLimits(maxParallel: 5), now: 3 * Self.second) == .parallel)
    }

    @Test("the limiter under concurrency admits exactly the limit", arguments: [1, 7, 50])
    func concurrentAdmission(limit: Int) async {
        let limiter = KeyLimiter()
        let identity = KeyIdentity(id: "k", name: "k", routes: nil, limits: KeyLimits(requestsPerMinute: limit))
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 { group.addTask { limiter.admit(identity, now: AccessControl.monotonicNow()) == nil } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(admitted == limit)
    }
}
