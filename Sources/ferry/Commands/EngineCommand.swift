import ArgumentParser
import FerryCore
import FerryLaunch
import Foundation

/// `ferry engine install | status | remove`: Ferry's embedded local engine (llama.cpp + SmolLM2-135M).
struct EngineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Manage Ferry's embedded local engine (llama.cpp's server with SmolLM2-135M-Instruct).",
        discussion: "It lives in $XDG_CACHE_HOME/ferry/engine (default ~/.cache/ferry/engine; FERRY_ENGINE_DIR overrides) and is installed on first use.",
        subcommands: [Install.self, Status.self, Remove.self]
    )

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Install (or repair) the engine into its venv.")

        @Flag(help: "Install again even when it is there.")
        var force = false

        func run() async throws {
            let engine = EmbeddedEngine()
            if engine.isInstalled, !force {
                try engine.writeLauncher()
                ConsoleLogging.say("Already installed in \(engine.directory.path) (--force installs again).")
                return
            }
            let clock = ContinuousClock()
            let started = clock.now
            do {
                try await engine.install { ConsoleLogging.say($0) }
            } catch {
                FileHandle.standardError.write(Data("ferry engine install: \(error)\n".utf8))
                throw ExitCode.failure
            }
            ConsoleLogging.say(String(format: "Installed in %.1f s.", (clock.now - started).seconds))
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show whether the engine is installed, where, and its size.")

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let status = EmbeddedEngine().status
            if json { return try ConsoleLogging.printJSON(status) }
            if status.installed {
                ConsoleLogging.say("installed in \(status.directory) (\((status.sizeBytes ?? 0) / 1_000_000) MB): \(status.packages.joined(separator: ", "))")
            } else {
                ConsoleLogging.say("not installed (it would go to \(status.directory)); `ferry engine install`, or just `ferry serve` with no backend configured")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete the engine's folder.")

        func run() async throws {
            let engine = EmbeddedEngine()
            try engine.remove()
            ConsoleLogging.say("removed \(engine.directory.path)")
        }
    }
}
