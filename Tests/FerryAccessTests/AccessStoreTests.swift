@testable import FerryAccess
import FerryCore
import Foundation
import Testing

@Suite("The SQLite key store and usage")
struct AccessStoreTests {
    func temporaryStore() throws -> (SQLiteAccessStore, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-access-\(UUID().uuidString)")
        return (try SQLiteAccessStore(path: folder.appendingPathComponent("access.sqlite").path), folder)
    }

    @Test("keys: insert, names unique, update, delete; the version moves with every change")
    func keys() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let start = try await store.version()
        let (key, _) = APIKey.make(name: "team", routes: ["default"], limits: KeyLimits(requestsPerMinute: 5))
        try await store.insert(key)
        await #expect(throws: AccessStoreError.nameTaken("team")) { try await store.insert(APIKey.make(name: "team").0) }
        var changed = key
        changed.disabled = true
        try await store.update(changed)
        #expect(try await store.keys() == [changed])
        #expect(try await store.key(named: key.id) == changed)
        #expect(try await store.delete(id: key.id))
        #expect(try await store.keys().isEmpty)
        #expect(try await store.version() == start + 3)
    }

    @Test("usage: batches add up; read back by key, since, and grouped by route, model or day")
    func usage() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let hour: Int64 = 500_000
        func record(_ name: String, route: String, model: String, hour: Int64, requests: Int, prompt: Int, completion: Int) -> UsageRecord {
            UsageRecord(key: .init(keyID: name + "-id", keyName: name, route: route, backend: "vllm", model: model, hour: hour),
                        counts: .init(requests: requests, promptTokens: prompt, completionTokens: completion, errors: 0, cacheHits: 0))
        }
        try await store.add([record("a", route: "r1", model: "m1", hour: hour, requests: 2, prompt: 10, completion: 20)])
        try await store.add([record("a", route: "r1", model: "m1", hour: hour, requests: 1, prompt: 5, completion: 5),
                             record("a", route: "r2", model: "m2", hour: hour + 30, requests: 4, prompt: 1, completion: 1),
                             record("b", route: "r1", model: "m1", hour: hour, requests: 7, prompt: 70, completion: 0)])
        let all = UsageRow.grouped(try await store.usage(UsageQuery()), by: nil)
        #expect(all.map(\.key) == ["a", "b"] && all[0].requests == 7 && all[0].promptTokens == 16 && all[0].completionTokens == 26)
        let byRoute = UsageRow.grouped(try await store.usage(UsageQuery(key: "a")), by: .route)
        #expect(byRoute.map { [$0.route ?? "", String($0.requests)] } == [["r1", "3"], ["r2", "4"]])
        let byDay = UsageRow.grouped(try await store.usage(UsageQuery(key: "a")), by: .day)
        #expect(byDay.count == 2 && byDay.allSatisfy { $0.day?.count == 10 })
        let since = UsageQuery(key: "a", since: Date(timeIntervalSince1970: TimeInterval(hour + 1) * 3600))
        #expect(UsageRow.grouped(try await store.usage(since), by: nil).first?.requests == 4)
    }

    @Test("keys made in the store reach a running ring within a second, through the version")
    func reload() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let access = AccessControl(staticKeys: [], store: store)
        try await access.reload()
        #expect(!access.required)
        let running = Task { await access.run() }
        defer { running.cancel() }
        let (key, secret) = APIKey.make(name: "late")
        try await store.insert(key)
        var admitted = false
        for _ in 0..<40 where !admitted {
            try await Task.sleep(for: .milliseconds(50))
            if case .success = access.admit(secret: secret) { admitted = true }
        }
        #expect(admitted, "a key made while the gateway runs should work within a second")
    }

    @Test("stopping the gateway writes the usage of its last moments")
    func lastBatch() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let access = AccessControl(staticKeys: ["sk-static"], store: store)
        let running = Task { await access.run() }
        let pass = try access.admit(secret: "sk-static").get()
        pass.served(backend: "vllm", usage: Usage(promptTokens: 2, completionTokens: 3))
        pass.end(failed: false)
        running.cancel()
        await running.value
        #expect(UsageRow.grouped(try await store.usage(UsageQuery()), by: nil).map(\.requests) == [1])
    }

    @Test("a pass ends once: usage counted with the reported tokens, or estimated from sizes; withdrawn passes count nothing")
    func passes() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let access = AccessControl(staticKeys: [], store: store)
        let (key, secret) = APIKey.make(name: "team", limits: KeyLimits(maxParallel: 1))
        try await store.insert(key)
        try await access.reload()
        let first = try access.admit(secret: secret).get()
        guard case .failure(let refusal) = access.admit(secret: secret) else {
            Issue.record("a second request in parallel was admitted")
            return
        }
        #expect(refusal == .tooManyParallel(key: "team", limit: 1))
        try first.authorize(route: "default")
        first.asked(model: "default", promptBytes: 400)
        first.served(backend: "vllm", usage: nil, answerBytes: 40)
        first.end(failed: false)
        first.end(failed: true)
        let second = try access.admit(secret: secret).get()
        second.withdraw()
        let third = try access.admit(secret: secret).get()
        third.served(backend: "vllm", usage: Usage(promptTokens: 3, completionTokens: 4))
        third.end(failed: true)
        await access.flush()
        let rows = UsageRow.grouped(try await store.usage(UsageQuery(key: "team")), by: nil)
        #expect(rows == [UsageRow(key: "team", route: nil, model: nil, day: nil, requests: 2, promptTokens: 103, completionTokens: 14, errors: 1, cacheHits: 0)])
    }
}
