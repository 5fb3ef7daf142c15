import FerryConfig
import FerryDoctor
import FerryProviders
import FerrySim
import Foundation
import Testing

/// Each diagnosis `ferry doctor` must name, against FerrySim (with faults) and against a closed port.
@Suite("Doctor")
struct DoctorTests {
    @Test("a healthy backend passes every step")
    func healthy() async throws {
        let diagnosis = try await diagnose(SimConfiguration.instant(dialect: .vllm, models: ["demo"])) { url in
            FerryConfiguration.Backend(name: "vllm", provider: .vllm, urls: [url], model: "demo")
        }
        #expect(diagnosis.usable)
        #expect(diagnosis.problems.isEmpty)
        #expect(diagnosis.steps.map(\.name) == DiagnosisStep.Name.allCases.filter { $0 != .process })
        #expect(diagnosis.steps.allSatisfy { $0.status == .pass })
    }

    @Test("nothing listening on the port names the start command")
    func nothingListening() async throws {
        let port = try await closedPort()
        let diagnosis = await withDoctor { doctor in
            await doctor.examine(FerryConfiguration.Backend(name: "vllm", provider: .vllm, urls: ["http://127.0.0.1:\(port)"], model: "demo"), url: "http://127.0.0.1:\(port)")
        }
        #expect(!diagnosis.usable)
        #expect(diagnosis.problems == [.nothingListening])
        let connect = try #require(diagnosis.step(.connect))
        #expect(connect.detail.contains("nothing listens on 127.0.0.1:\(port)"))
        #expect(connect.fix?.contains("vllm serve demo --port \(port)") == true)
        #expect(diagnosis.step(.completion)?.status == .skip)
    }

    @Test("a wrong port, when the server answers on another one, names the right URL")
    func wrongPortNearby() async throws {
        let closed = try await closedPort()
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.port = 0
        let diagnosis = try await SimServer(configuration: configuration).withRunning { port in
            await withDoctor(alternatePorts: [port]) { doctor in
                await doctor.examine(FerryConfiguration.Backend(name: "vllm", provider: .vllm, urls: ["http://127.0.0.1:\(closed)"]), url: "http://127.0.0.1:\(closed)")
            }
        }
        #expect(diagnosis.problems == [.wrongPort])
        let connect = try #require(diagnosis.step(.connect))
        #expect(connect.detail.contains("a vLLM server answers on port"))
        #expect(connect.fix?.hasPrefix("set the URL to http://127.0.0.1:") == true)
        #expect(connect.fix?.contains(":\(closed)") == false)
    }

    @Test("a vLLM backend pointed at an Ollama port is a wrong port")
    func wrongKindOfServer() async throws {
        let diagnosis = try await diagnose(SimConfiguration.instant(dialect: .ollama, models: ["llama3.2"])) { url in
            FerryConfiguration.Backend(name: "vllm", provider: .vllm, urls: [url], model: "llama3.2")
        }
        #expect(diagnosis.problems == [.wrongPort])
        #expect(diagnosis.step(.health)?.detail.contains("serves Ollama, not vLLM") == true)
        #expect(!diagnosis.usable)
    }

    @Test("a base URL with /v1 doubled is named, with the URL to write; it still works through Ferry")
    func doubledVersion() async throws {
        let diagnosis = try await diagnose(SimConfiguration.instant(dialect: .vllm)) { url in
            FerryConfiguration.Backend(name: "vllm", provider: .vllm, urls: [url + "/v1/v1"], model: "demo")
        }
        #expect(diagnosis.problems == [.doubledVersionPath])
        let step = try #require(diagnosis.step(.url))
        #expect(step.status == .warn)
        #expect(step.fix?.hasSuffix("/v1 (the SDKs' base_url) or \(diagnosis.url.replacingOccurrences(of: "/v1/v1", with: ""))") == true)
        #expect(diagnosis.usable)
    }

    @Test("the model-name mismatch lists the served names")
    func modelMismatch() async throws {
        let diagnosis = try await diagnose(SimConfiguration.instant(dialect: .vllm, models: ["Qwen/Qwen2.5-0.5B-Instruct", "demo"])) { url in
            FerryConfiguration.Backend(name: "vllm", provider: .vllm, urls: [url], model: "qwen2.5")
        }
        #expect(diagnosis.problems == [.modelMismatch])
        let step = try #require(diagnosis.step(.models))
        #expect(step.detail.contains("\"qwen2.5\" is not served"))
        #expect(step.detail.contains("\"Qwen/Qwen2.5-0.5B-Instruct\", \"demo\""))
        #expect(step.fix?.contains("--served-model-name qwen2.5") == true)
        #expect(diagnosis.step(.health)?.status == .pass)
        #expect(!diagnosis.usable)
    }

    @Test("an API key the server rejects, missing or wrong")
    func apiKeyRejected() async throws {
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.apiKey = "s3cret"
        for key in [nil, "wrong"] as [String?] {
            let diagnosis = try await diagnose(configuration) { url in
                FerryConfiguration.Backend(name: "vllm", provider: .vllm, urls: [url], model: "demo", apiKey: key)
            }
            #expect(diagnosis.problems == [.apiKeyRejected])
            let fix = try #require(diagnosis.step(.health)?.fix)
            #expect(fix.contains(key == nil ? "--api-key KEY" : "does not match"))
        }
        let good = try await diagnose(configuration) { url in
            FerryConfiguration.Backend(name: "vllm", provider: .vllm, urls: [url], model: "demo", apiKey: "s3cret")
        }
        #expect(good.usable)
    }

    @Test("a very slow first inference gets warm-up advice")
    func slowFirstInference() async throws {
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.faults = [try FaultSpec(parsing: "slow-first:600ms")]
        let diagnosis = try await diagnose(configuration, slowFirstToken: .milliseconds(300)) { url in
            FerryConfiguration.Backend(name: "vllm", provider: .vllm, urls: [url], model: "demo")
        }
        #expect(diagnosis.problems == [.slowFirstInference])
        #expect(diagnosis.step(.firstToken)?.fix?.contains("health.warm_up: true") == true)
        #expect(diagnosis.usable)
    }

    @Test("an Ollama model that is not pulled gets `ollama pull`")
    func ollamaNotPulled() async throws {
        let diagnosis = try await diagnose(SimConfiguration.instant(dialect: .ollama, models: ["llama3.2:latest"])) { url in
            FerryConfiguration.Backend(name: "ollama", provider: .ollama, urls: [url], model: "qwen2.5:0.5b")
        }
        #expect(diagnosis.problems == [.modelNotPulled])
        #expect(diagnosis.step(.models)?.fix?.hasPrefix("pull it: `ollama pull qwen2.5:0.5b`") == true)
        let pulled = try await diagnose(SimConfiguration.instant(dialect: .ollama, models: ["llama3.2:latest"])) { url in
            FerryConfiguration.Backend(name: "ollama", provider: .ollama, urls: [url], model: "llama3.2")
        }
        #expect(pulled.usable)
    }

    // MARK: Support

    private func diagnose(
        _ configuration: SimConfiguration, slowFirstToken: Duration = .seconds(5),
        _ backend: @escaping @Sendable (String) -> FerryConfiguration.Backend
    ) async throws -> BackendDiagnosis {
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        return try await SimServer(configuration: configuration).withRunning { port in
            let made = backend("http://127.0.0.1:\(port)")
            return await withDoctor(slowFirstToken: slowFirstToken, alternatePorts: []) { doctor in
                await doctor.examine(made, url: made.urls[0])
            }
        }
    }

    private func withDoctor<Value: Sendable>(slowFirstToken: Duration = .seconds(5), alternatePorts: [Int] = [], _ body: (Doctor) async -> Value) async -> Value {
        let http = ProviderHTTPClient()
        var settings = Doctor.Settings()
        settings.slowFirstToken = slowFirstToken
        settings.alternatePorts = alternatePorts
        let value = await body(Doctor(http: http, settings: settings))
        try? await http.shutdown()
        return value
    }

    private func closedPort() async throws -> Int {
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.port = 0
        return try await SimServer(configuration: configuration).withRunning { $0 }
    }
}
