/// The server process behind a backend, when Ferry runs it (a managed backend): for `/status` and `ferry models`.
public struct ServerProcessInfo: Sendable, Hashable, Codable {
    public var backend: String
    /// `idle`, `starting`, `ready`, `restarting`, `failed` or `stopped`.
    public var phase: String
    public var pid: Int32?
    public var port: Int?
    /// The command line, as a shell would show it.
    public var command: String
    /// Restarts since Ferry started.
    public var restarts: Int
    /// How it last ended, e.g. "its process exited with code 1".
    public var lastExit: String?
    /// The last lines it wrote.
    public var lastLines: [String]

    enum CodingKeys: String, CodingKey {
        case backend, phase, pid, port, command, restarts
        case lastExit = "last_exit"
        case lastLines = "last_lines"
    }

    public init(backend: String, phase: String, pid: Int32? = nil, port: Int? = nil, command: String, restarts: Int = 0, lastExit: String? = nil, lastLines: [String] = []) {
        self.backend = backend
        self.phase = phase
        self.pid = pid
        self.port = port
        self.command = command
        self.restarts = restarts
        self.lastExit = lastExit
        self.lastLines = lastLines
    }
}

/// A `LanguageModel` whose server Ferry runs reports that process (the router shows it in its status).
public protocol ServerProcessReporting: Sendable {
    var serverProcess: ServerProcessInfo { get }
}
