import FerryConfig
import FerryCore
import FerryDoctor
import FerryLaunch
import FerryProviders
import Foundation
import Logging
import Testing

/// `ferry doctor` on a backend Ferry launches: the process is started and must become ready, then the usual checks
/// run on its port; a process that cannot start fails the `process` step with its last lines.
@Suite("Doctor on launched backends", .serialized)
struct LaunchedDoctorTests {
    /// The `ferry` executable built next to the tests (it plays the launched server: `ferry sim`).
    static let ferry = LaunchPreset.Sim.builtFerry

    private func diagnose(extraArguments: [String]) async -> BackendDiagnosis {
        var options = LaunchPreset.Sim(ferryExecutable: Self.ferry, models: ["demo"])
        options.extraArguments = extraArguments
        var spec = LaunchPreset.sim(options).spec()
        spec.readyTimeout = .seconds(20)
        spec.restart = RestartPolicy(maxRestarts: 1, backoff: .milliseconds(100), maxBackoff: .milliseconds(200))
        let http = ProviderHTTPClient()
        let backend = FerryConfiguration.Backend(name: "sim", provider: .vllm, urls: [], model: "demo", launch: spec)
        let managed = RouterFactory.managed(backend, launch: spec, http: http)
        let supervision = Task { try? await managed.process.run() }
        let diagnosis = await Doctor(http: http).examine(backend, process: managed.process)
        supervision.cancel()
        await supervision.value
        try? await http.shutdown()
        return diagnosis
    }

    @Test("a launched backend that starts is checked on its port: process, then every other step")
    func started() async {
        let diagnosis = await diagnose(extraArguments: ["--ttft", "0", "--tokens-per-second", "0", "--log-level", "warning"])
        #expect(diagnosis.usable, "\(diagnosis.steps)")
        #expect(diagnosis.steps.map(\.name) == DiagnosisStep.Name.allCases)
        #expect(diagnosis.step(.process)?.detail.contains("ready on port") == true)
        #expect(diagnosis.url.hasPrefix("http://127.0.0.1:"))
    }

    @Test("a launched backend that cannot start fails its process step, with its last lines, and nothing else runs")
    func failsToStart() async {
        let diagnosis = await diagnose(extraArguments: ["--no-such-option"])
        #expect(!diagnosis.usable)
        #expect(diagnosis.problems == [.processFailed])
        #expect(diagnosis.step(.process)?.fix?.isEmpty == false)
        #expect(diagnosis.steps.dropFirst().allSatisfy { $0.status == .skip })
    }
}
