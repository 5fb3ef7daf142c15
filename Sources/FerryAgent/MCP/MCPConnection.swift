import FerryCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import MCP
import Synchronization
import SystemPackage

/// One MCP server, connected: for a command, its process started with pipes for stdin and stdout (its stderr shown
/// when Ferry logs at debug level; SIGPIPE is ignored process-wide from then on), started again once if it has exited when a tool is called; for a URL, a
/// Streamable HTTP session answered as JSON. Its tools are listed at connection and again when it says they
/// changed (`notifications/tools/list_changed`); a call that fails or that the server reports as an error comes back
/// as text marked failed, for the model to read (the agent bounds its time).
public actor MCPConnection {
    public nonisolated let spec: MCPServerSpec
    private let logger: Logger
    private var client: Client?
    private var process: Process?
    private var listed: [MCP.Tool] = []

    /// How long a server has to answer `initialize`.
    public let startTimeout: Duration

    public init(spec: MCPServerSpec, startTimeout: Duration = .seconds(30), logger: Logger = Logger(label: "ferry.mcp")) {
        self.spec = spec
        self.startTimeout = startTimeout
        self.logger = logger
    }

    /// The server's tools as it lists them now.
    public var tools: [MCP.Tool] { listed }

    /// Starts (or reaches) the server, initialises the session and lists its tools.
    public func connect() async throws {
        let client = Client(name: "ferry", version: "1")
        let transport: any Transport
        switch spec.transport {
        case .command(let command, let arguments, let environment):
            transport = try start(command, arguments: arguments, environment: environment)
        case .url(let address, let headers):
            guard let url = URL(string: address) else {
                throw FerryError(code: .configuration, message: "The MCP server \(spec.name) has no valid URL: \(address)", hint: "give an http:// or https:// URL of its Streamable HTTP endpoint (often ending in /mcp)")
            }
            transport = HTTPClientTransport(endpoint: url, streaming: false, requestModifier: { request in
                var request = request
                for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
                return request
            })
        }
        // Foundation's Process answers isRunning and terminationStatus from any thread.
        nonisolated(unsafe) let started = process
        let limit = startTimeout
        do {
            // The session within the time limit, and not past the process's end: a command that exits at once
            // (not found, a crash) is said as such, not waited for. The first of the two to finish decides; the
            // other is not waited for (a session that never answers would hold a task group forever).
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let first = FirstOutcome(continuation)
                Task {
                    do {
                        _ = try await client.connect(transport: transport)
                        first.settle(.success(()))
                    } catch {
                        first.settle(.failure(error))
                    }
                }
                Task {
                    let deadline = ContinuousClock.now + limit
                    while ContinuousClock.now < deadline, !first.isSettled {
                        if let started, !started.isRunning {
                            return first.settle(.failure(FerryError(code: .connectionFailed, message: "its process exited with status \(started.terminationStatus) before answering", hint: "")))
                        }
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                    first.settle(.failure(FerryError(code: .timeout, message: "no answer to `initialize` within \(limit)", hint: "")))
                }
            }
        } catch {
            var reason = (error as? FerryError)?.message ?? "\(error)"
            // A write to a server that has exited fails first: say how it exited, which says more.
            if let started {
                for _ in 0..<10 where started.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
                if !started.isRunning {
                    let status = started.terminationStatus
                    reason = "its process exited with status \(status) before answering" + (status == 127 ? " (command not found)" : "")
                }
            }
            await client.disconnect()
            await stop()
            throw FerryError(code: .connectionFailed, message: "The MCP server \(spec.name) did not start a session: \(reason)", location: ErrorLocation(backend: spec.name), hint: hint)
        }
        self.client = client
        // Listed again apart from the client's message loop, which must go on to read the answer to the listing.
        await client.onNotification(ToolListChangedNotification.self) { [weak self] _ in
            Task { await self?.refresh() }
        }
        try await list(client)
    }

    private var hint: String {
        switch spec.transport {
        case .command(let command, let arguments, _): "run `\(([command] + arguments).joined(separator: " "))` yourself to see why it does not answer MCP on stdio"
        case .url(let url, _): "check that \(url) is an MCP Streamable HTTP endpoint that answers JSON"
        }
    }

    private func list(_ client: Client) async throws {
        var cursor: String?
        var tools: [MCP.Tool] = []
        repeat {
            let page = try await client.listTools(cursor: cursor)
            tools += page.tools
            cursor = page.nextCursor
        } while cursor != nil
        listed = tools
        logger.debug("MCP tools listed", metadata: ["server": "\(spec.name)", "tools": "\(tools.map(\.name).joined(separator: ", "))"])
    }

    private func refresh() async {
        guard let client else { return }
        try? await list(client)
    }

    /// Calls `name` on the server; the result as text, and whether it failed.
    public func call(_ name: String, arguments: JSONValue) async -> (text: String, failed: Bool) {
        if client == nil || process.map({ !$0.isRunning }) == true {
            await stop()
            do {
                try await connect()
            } catch {
                return ("Error: \(error)", true)
            }
        }
        guard let client else { return ("Error: the MCP server \(spec.name) is not connected", true) }
        let members = arguments.objectValue?.mapValues(MCPValue.mcp)
        do {
            let (content, isError) = try await client.callTool(name: name, arguments: members)
            return (MCPValue.text(content), isError ?? false)
        } catch {
            return ("Error: the MCP server \(spec.name) failed the call: \(error)", true)
        }
    }

    /// Ends the session and stops the server's process.
    public func close() async {
        await client?.disconnect()
        await stop()
    }

    /// Stops the server's process: SIGTERM, then SIGKILL if it is still there after two seconds. (Foundation's
    /// `waitUntilExit` spins on Linux when called off the thread that started the process.)
    private func stop() async {
        client = nil
        guard let process else { return }
        self.process = nil
        if process.isRunning { process.terminate() }
        for _ in 0..<40 where process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    private func start(_ command: String, arguments: [String], environment: [String: String]) throws -> any Transport {
        // A server that exits leaves a pipe whose next write would raise SIGPIPE and end this process: ignored, so
        // that the write fails with EPIPE and the server's end is an error like any other.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        let input = Pipe()
        let output = Pipe()
        // The server's own messages: shown when Ferry's log shows debug lines, dropped otherwise.
        process.standardError = logger.logLevel <= .debug ? FileHandle.standardError : FileHandle.nullDevice
        process.standardInput = input
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            throw FerryError(code: .configuration, message: "The MCP server \(spec.name) could not be started: \(error)", location: ErrorLocation(backend: spec.name), hint: "check that `\(command)` is installed and on PATH")
        }
        self.process = process
        return StdioTransport(
            input: FileDescriptor(rawValue: output.fileHandleForReading.fileDescriptor),
            output: FileDescriptor(rawValue: input.fileHandleForWriting.fileDescriptor),
            logger: logger
        )
    }
}

/// The first of several outcomes racing to settle one continuation; the later ones are dropped.
private final class FirstOutcome: Sendable {
    private let continuation: Mutex<CheckedContinuation<Void, any Error>?>

    init(_ continuation: CheckedContinuation<Void, any Error>) {
        self.continuation = Mutex(continuation)
    }

    func settle(_ result: Result<Void, any Error>) {
        continuation.withLock { waiting in
            waiting?.resume(with: result)
            waiting = nil
        }
    }

    var isSettled: Bool { continuation.withLock { $0 == nil } }
}
