import FerryCore
import FerrySim
import FerryWire
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Fault specifications")
struct FaultSpecTests {
    @Test("the forms parse", arguments: [
        ("503", FaultSpec.Trigger.always), ("503@0.25", .probability(0.25)), ("hang@3", .requests(3...3)),
        ("429:2s@2-4", .requests(2...4)), ("drop:5@3+", .from(3)), ("refuse@1.0", .probability(1)),
    ])
    func parses(text: String, trigger: FaultSpec.Trigger) throws {
        #expect(try FaultSpec(parsing: text).trigger == trigger)
    }

    @Test("arguments land in the kind")
    func arguments() throws {
        #expect(try FaultSpec(parsing: "429:2s").kind == .rateLimited(retryAfter: .seconds(2)))
        #expect(try FaultSpec(parsing: "drop:7").kind == .dropMidStream(afterTokens: 7))
        #expect(try FaultSpec(parsing: "slow-first:1500ms").kind == .slowFirst(.milliseconds(1500)))
        #expect(try FaultSpec(parsing: "wrong-model").kind == .modelNotFound)
    }

    @Test("bad forms say what is accepted", arguments: ["", "teapot", "503@", "503@1.5", "503@4-2", "429:soon", "drop:x"])
    func rejects(text: String) {
        do {
            _ = try FaultSpec(parsing: text)
            Issue.record("\(text) should not parse")
        } catch {
            #expect(error.description.contains("KIND[:ARG][@WHEN]"))
        }
    }

    @Test("triggers fire on the right requests; uncounted endpoints see only always-on and random ones")
    func triggers() throws {
        let nth = try FaultSpec(parsing: "503@2-3")
        #expect([1, 2, 3, 4].map { nth.fires(onRequest: $0, draw: 0.5) } == [false, true, true, false])
        #expect(!nth.fires(onRequest: nil, draw: 0))
        let from = try FaultSpec(parsing: "500@3+")
        #expect([2, 3, 99].map { from.fires(onRequest: $0, draw: 0.5) } == [false, true, true])
        let random = try FaultSpec(parsing: "503@0.3")
        #expect(random.fires(onRequest: nil, draw: 0.29) && !random.fires(onRequest: 1, draw: 0.3))
        #expect(try FaultSpec(parsing: "503").reachesEveryEndpoint)
        #expect(try !FaultSpec(parsing: "429").reachesEveryEndpoint)
    }

    @Test("the plan counts requests and restarts the count when faults are replaced")
    func plan() throws {
        let plan = FaultPlan(faults: [try FaultSpec(parsing: "503@2")], seed: 1)
        #expect(plan.admitInference().faults.isEmpty)
        #expect(plan.admitInference().faults.count == 1)
        #expect(plan.admitInference().faults.isEmpty)
        plan.replace(with: plan.faults)
        #expect(plan.admitInference().request == 1)
    }
}

@Suite("FerrySim faults over the wire")
struct SimFaultTests {
    static let chat = #"{"model":"demo","messages":[{"role":"user","content":"hi"}]}"#
    static let streamedChat = #"{"model":"demo","stream":true,"messages":[{"role":"user","content":"hi"}]}"#

    @Test("503 on the first request only, then answers; 429 carries Retry-After; 404 fault names the model")
    func statusFaults() async throws {
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.faults = [try FaultSpec(parsing: "503@1"), try FaultSpec(parsing: "429:3s@2"), try FaultSpec(parsing: "404@3")]
        try await withSim(configuration) { sim in
            #expect(try await sim.send(.get, "/health").status == .ok, "a request-numbered 503 does not reach /health")
            #expect(try await sim.send(.post, "/v1/chat/completions", json: Self.chat).status == .serviceUnavailable)
            let limited = try await sim.send(.post, "/v1/chat/completions", json: Self.chat)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] == "3")
            let missing = try await sim.send(.post, "/v1/chat/completions", json: Self.chat)
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("The model `demo` does not exist."))
            let after = try await sim.send(.post, "/v1/chat/completions", json: Self.chat)
            #expect(after.status == .ok)
        }
    }

    @Test("faults change at run time through the control endpoint; an always-on 503 takes /health down too")
    func controlEndpoint() async throws {
        try await withSim(.instant(dialect: .vllm)) { sim in
            try await sim.setFaults(["503"])
            #expect(try await sim.send(.get, "/_sim/faults").text.contains("503"))
            #expect(try await sim.send(.get, "/health").status == .serviceUnavailable)
            #expect(try await sim.send(.post, "/v1/chat/completions", json: Self.chat).status == .serviceUnavailable)
            #expect(try await sim.send(.delete, "/_sim/faults").status == .ok)
            #expect(try await sim.send(.get, "/health").status == .ok)
            let bad = try await sim.send(.put, "/_sim/faults", json: #"{"faults":["teapot"]}"#)
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("teapot"))
        }
    }

    @Test("refuse drops the connection without an answer")
    func refuse() async throws {
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.faults = [try FaultSpec(parsing: "refuse@1")]
        try await withSim(configuration) { sim in
            await #expect(throws: (any Error).self) { _ = try await sim.send(.post, "/v1/chat/completions", json: Self.chat) }
            let after = try await sim.send(.post, "/v1/chat/completions", json: Self.chat)
            #expect(after.status == .ok)
        }
    }

    @Test("hang accepts and never answers (the client times out), and the server still serves others")
    func hang() async throws {
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.faults = [try FaultSpec(parsing: "hang@1")]
        try await withSim(configuration) { sim in
            await #expect(throws: (any Error).self) { _ = try await sim.send(.post, "/v1/chat/completions", json: Self.chat, timeout: .milliseconds(300)) }
            let after = try await sim.send(.post, "/v1/chat/completions", json: Self.chat)
            #expect(after.status == .ok)
        }
    }

    @Test("drop cuts a stream after N tokens: what arrived decodes to an interrupted stream")
    func drop() async throws {
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.tokensPerSecond = 200
        configuration.faults = [try FaultSpec(parsing: "drop:2@1")]
        try await withSim(configuration) { sim in
            do {
                let response = try await sim.send(.post, "/v1/chat/completions", json: Self.streamedChat)
                let events = try decodeStream(response.bodyBytes, dialect: .vllm)
                guard case .error(let error) = events.last else {
                    Issue.record("a dropped stream must not look complete: \(events)")
                    return
                }
                #expect(error.code == .streamInterrupted)
            } catch {
                // The client saw the connection reset: also a correct outcome of a drop.
            }
            let after = try await sim.send(.post, "/v1/chat/completions", json: Self.chat)
            #expect(after.status == .ok)
        }
    }

    @Test("malformed puts a broken chunk in the stream, which the decoder rejects")
    func malformed() async throws {
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.faults = [try FaultSpec(parsing: "malformed@1")]
        try await withSim(configuration) { sim in
            let response = try await sim.send(.post, "/v1/chat/completions", json: Self.streamedChat)
            #expect(throws: FerryError.self) { _ = try decodeStream(response.bodyBytes, dialect: .vllm) }
        }
    }
}
