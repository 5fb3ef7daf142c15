import Foundation

/// How Ferry starts, watches and stops one backend's server process.
///
/// `{port}` in the arguments and environment values stands for the port Ferry chose.
///
/// ```swift
/// var spec = LaunchSpec(command: "llama-server", arguments: ["-m", "model.gguf", "--port", "{port}"])
/// spec.port = .any
/// spec.idleStop = .seconds(600)
/// ```
public struct LaunchSpec: Sendable, Hashable {
    public enum Port: Sendable, Hashable {
        /// This port; when it is taken at start, another free one is used and a warning logged.
        case fixed(Int)
        /// Any free port on 127.0.0.1.
        case any
    }

    /// The executable: a path, or a name looked up on PATH.
    public var command: String
    public var arguments: [String]
    /// Added to Ferry's own environment.
    public var environment: [String: String]
    public var port: Port
    /// How long the process may take to answer its health probe after each start.
    public var readyTimeout: Duration
    public var restart: RestartPolicy
    /// Stop the process after this long without requests (nil: never); the next request starts it again.
    public var idleStop: Duration?
    /// Start only when the first request needs it, not when Ferry starts.
    public var startOnFirstRequest: Bool
    /// How the server writes its log lines (``Output``): its chatter is logged at debug, its warnings and errors at
    /// their level.
    public var output: Output = .generic
    /// What it serves, for the line that says it is ready (a model name or file).
    public var model: String?

    public init(
        command: String, arguments: [String] = [], environment: [String: String] = [:], port: Port = .any,
        readyTimeout: Duration = .seconds(120), restart: RestartPolicy = RestartPolicy(), idleStop: Duration? = nil, startOnFirstRequest: Bool = false
    ) {
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.port = port
        self.readyTimeout = readyTimeout
        self.restart = restart
        self.idleStop = idleStop
        self.startOnFirstRequest = startOnFirstRequest
    }

    /// The command line with `{port}` filled in, as a shell would show it.
    public func commandLine(port: Int?) -> String {
        ([command] + arguments.map { Self.fill($0, port: port) }).map(Self.shellQuoted).joined(separator: " ")
    }

    public static func fill(_ text: String, port: Int?) -> String {
        port.map { text.replacingOccurrences(of: "{port}", with: String($0)) } ?? text
    }

    public static func shellQuoted(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=,{}@%+".contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
