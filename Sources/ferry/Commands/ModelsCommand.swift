import ArgumentParser
import FerryConfig
import FerryCore
import FerryLaunch
import FerryRouter
import Foundation
import Logging

/// `ferry models`: every configured backend's served models, with its health.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", abstract: "List every configured backend's served models, with its health.")

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        ConsoleLogging.bootstrap(level: .warning)
        let setup = try await ConfiguredRouter.load(file: options.config)
        try await setup.using { setup in
            // Launched backends are started (and waited for) first, so their served models can be listed.
            for process in RouterFactory.managedProcesses(of: setup.router) { _ = try? await process.ensureReady() }
            let reports = await setup.router.probeBackends()
            let processes = Dictionary(RouterFactory.managedProcesses(of: setup.router).map { ($0.name, $0.status) }, uniquingKeysWith: { first, _ in first })
            var entries: [ModelsEntry] = []
            for route in setup.router.routes {
                for backend in route.backends where !entries.contains(where: { $0.backend == backend.name }) {
                    let report = reports[backend.name]
                    entries.append(ModelsEntry(
                        backend: backend.name, routes: setup.router.routes.filter { $0.backends.contains { $0.name == backend.name } }.map(\.name),
                        url: report?.url ?? "", status: report?.status.rawValue ?? "unknown", configuredModel: backend.modelName,
                        servedModels: report?.servedModels ?? [], error: report?.error?.description, process: processes[backend.name]
                    ))
                }
            }
            if json {
                try ConsoleLogging.printJSON(entries)
            } else {
                for entry in entries {
                    ConsoleLogging.say("\(entry.status == "healthy" ? "✓" : "✗") \(entry.backend) (\(entry.url)) — \(entry.status), routes: \(entry.routes.joined(separator: ", "))")
                    for model in entry.servedModels {
                        ConsoleLogging.say("    \(model)\(model == entry.configuredModel ? "  ← configured" : "")")
                    }
                    if let configured = entry.configuredModel, !entry.servedModels.isEmpty, !entry.servedModels.contains(configured) {
                        ConsoleLogging.say("    ! configured model \"\(configured)\" is not served here: requests will get 404")
                    }
                    if let error = entry.error { ConsoleLogging.say("    \(error)") }
                    if let process = entry.process {
                        ConsoleLogging.say("    process \(process.phase)\(process.pid.map { ", pid \($0)" } ?? "")\(process.port.map { ", port \($0)" } ?? ""): \(process.command)")
                        if let exit = process.lastExit { ConsoleLogging.say("    last exit: \(exit)") }
                    }
                }
            }
            if entries.contains(where: { $0.status != "healthy" }) { throw ExitCode.failure }
        }
    }
}

struct ModelsEntry: Encodable {
    var backend: String
    var routes: [String]
    var url: String
    var status: String
    var configuredModel: String?
    var servedModels: [String]
    var error: String?
    /// The server process, for a backend Ferry launches.
    var process: ServerProcessInfo?
}
