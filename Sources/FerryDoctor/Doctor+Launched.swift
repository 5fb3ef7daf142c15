import FerryConfig
import FerryCore
import FerryLaunch

extension Doctor {
    /// A backend Ferry launches (a `launch:` preset, or the embedded engine): its process is started — `process`
    /// must be running its supervision (``FerryLaunch/ManagedProcess/run()``) — and must become ready; then the usual
    /// checks run on the port it got. A process that does not start or become ready fails the `process` step, with
    /// its last lines and the fix.
    ///
    /// ```swift
    /// let task = Task { try await process.run() }
    /// let diagnosis = await doctor.examine(backend, process: process)
    /// task.cancel()
    /// ```
    public func examine(_ backend: FerryConfiguration.Backend, process: ManagedProcess) async -> BackendDiagnosis {
        let clock = ContinuousClock()
        let started = clock.now
        let command = process.status.command
        do {
            let port = try await process.ensureReady()
            let status = process.status
            var running = backend
            let url = "http://127.0.0.1:\(port)"
            running.urls = [url]
            running.launch = nil
            var diagnosis = await examine(running, url: url)
            let pid = status.pid.map { ", pid \($0)" } ?? ""
            diagnosis.steps.insert(DiagnosisStep(.process, .pass, "`\(LaunchSpec.fill(command, port: port))` ready on port \(port)\(pid)", elapsed: clock.now - started), at: 0)
            return diagnosis
        } catch {
            let status = process.status
            var diagnosis = BackendDiagnosis(backend: backend.name, provider: backend.provider.rawValue, url: "(launched: \(command))", model: backend.model)
            let lines = status.lastLines.isEmpty ? "" : "; its last lines: " + status.lastLines.suffix(3).map { "«\($0)»" }.joined(separator: " ")
            diagnosis.steps.append(DiagnosisStep(.process, .fail, error.message + lines, problem: .processFailed, fix: error.hint, elapsed: clock.now - started))
            for name in DiagnosisStep.Name.allCases where name != .process {
                diagnosis.steps.append(DiagnosisStep(name, .skip, "the process is not ready"))
            }
            return diagnosis
        }
    }
}
