import ArgumentParser
import FerryConfig
import FerryCore
import FerryDoctor
import FerryLaunch
import FerryProviders
import Foundation
import Logging

/// `ferry doctor`: every configured backend checked step by step, each failure with its fix.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check each configured backend step by step and say how to fix what is wrong.",
        discussion: """
            Steps: URL, name resolution, TCP connect, health endpoints, served models against the configured model, \
            a one-token completion, time to first token. A backend Ferry launches (a `launch:` preset, or the \
            embedded engine when nothing is configured) is installed if needed and started first, and checked on \
            its port; it is stopped again at the end. Exit code 0 only when every backend is usable.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "A first token slower than this is reported, with warm-up advice when the next one is fast (e.g. 5s).")
    var slowFirstToken = "5s"

    @Option(help: "Time allowed for a TCP connection (e.g. 3s).")
    var connectTimeout = "3s"

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard Duration(parsing: slowFirstToken) != nil else { throw ValidationError("--slow-first-token \(slowFirstToken) is not a duration; write e.g. 5s or 800ms") }
        guard Duration(parsing: connectTimeout) != nil else { throw ValidationError("--connect-timeout \(connectTimeout) is not a duration; write e.g. 3s") }
    }

    func run() async throws {
        ConsoleLogging.bootstrap(level: .error)
        let configuration: FerryConfiguration
        do {
            configuration = try await ConfigurationLoader.load(file: options.config)
        } catch {
            throw ValidationError(error.description)
        }
        let http = ProviderHTTPClient()
        var settings = Doctor.Settings()
        settings.slowFirstToken = Duration(parsing: slowFirstToken) ?? .seconds(5)
        settings.connectTimeout = Duration(parsing: connectTimeout) ?? .seconds(3)
        let doctor = Doctor(http: http, settings: settings)
        let diagnoses = await examine(configuration, doctor: doctor)
        try? await http.shutdown()
        if json {
            try ConsoleLogging.printJSON(diagnoses)
        } else {
            print(diagnoses)
        }
        if diagnoses.contains(where: { !$0.usable }) { throw ExitCode.failure }
    }

    /// Every backend in order; launched ones are installed if needed, started, checked on their port, stopped.
    private func examine(_ configuration: FerryConfiguration, doctor: Doctor) async -> [BackendDiagnosis] {
        guard configuration.backends.contains(where: { $0.launch != nil }) else { return await doctor.examine(configuration.backends) }
        let launched: ConfiguredRouter
        do {
            launched = try await ConfiguredRouter.make(configuration)
        } catch {
            // The embedded engine could not be installed, or a launched backend not made: say so for each of them.
            let message = (error as? ValidationError)?.message ?? "\(error)"
            var diagnoses: [BackendDiagnosis] = []
            for backend in configuration.backends {
                guard backend.launch != nil else {
                    diagnoses += await doctor.examine([backend])
                    continue
                }
                var diagnosis = BackendDiagnosis(backend: backend.name, provider: backend.provider.rawValue, url: "(launched)", model: backend.model)
                diagnosis.steps.append(DiagnosisStep(
                    .process, .fail, message, problem: .processFailed,
                    fix: "run `ferry engine install` to see each step (it needs python3 with venv — Debian: apt-get install python3-venv — and PyPI within reach), or configure a backend Ferry does not launch"
                ))
                diagnoses.append(diagnosis)
            }
            return diagnoses
        }
        let processes = RouterFactory.managedProcesses(of: launched.router)
        var diagnoses: [BackendDiagnosis] = []
        for backend in configuration.backends {
            if backend.launch != nil, let process = processes.first(where: { $0.name == backend.name }) {
                diagnoses.append(await doctor.examine(backend, process: process))
            } else {
                diagnoses += await doctor.examine([backend])
            }
        }
        await launched.shutdown()
        return diagnoses
    }

    private func print(_ diagnoses: [BackendDiagnosis]) {
        let terminal = Terminal.current
        for diagnosis in diagnoses {
            let verdict = diagnosis.usable
                ? terminal.paint(diagnosis.problems.isEmpty ? "usable" : "usable, with warnings", diagnosis.problems.isEmpty ? .green : .yellow)
                : terminal.paint("NOT usable", .red)
            ConsoleLogging.say(terminal.paint("\(diagnosis.backend)", .bold) + " (\(diagnosis.provider), \(diagnosis.url)\(diagnosis.model.map { ", model \"\($0)\"" } ?? "")) — \(verdict)")
            for step in diagnosis.steps {
                let mark = switch step.status {
                case .pass: terminal.paint("✓", .green)
                case .warn: terminal.paint("!", .yellow)
                case .fail: terminal.paint("✗", .red)
                case .skip: terminal.paint("-", .dim)
                }
                let name = step.name.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
                let detail = step.status == .skip ? terminal.paint("skipped: \(step.detail)", .dim) : step.detail
                ConsoleLogging.say("  \(mark) \(name) \(detail)")
                if let fix = step.fix, step.status == .fail || step.status == .warn {
                    ConsoleLogging.say("      " + terminal.paint("fix:", .cyan) + " \(fix)")
                }
            }
            ConsoleLogging.say("")
        }
        let broken = diagnoses.filter { !$0.usable }.count
        ConsoleLogging.say(broken == 0 ? "All \(diagnoses.count) backend(s) usable." : "\(broken) of \(diagnoses.count) backend(s) not usable.")
    }
}
