import FerryCore
import Foundation
import Logging
import ServiceLifecycle
import Subprocess
import SystemPackage
import Synchronization

/// One backend's server process, owned by Ferry: started (at once, or on the first request), probed until ready,
/// restarted with backoff when it dies, stopped when idle and on shutdown. Its output goes to Ferry's log, each
/// line prefixed with the backend's name. Run it as a service-lifecycle `Service`.
///
/// ```swift
/// let process = ManagedProcess(name: "engine", spec: spec) { port in await isHealthy(port) }
/// let group = ServiceGroup(services: [process, server], gracefulShutdownSignals: [.sigterm], logger: logger)
/// let port = try await process.ensureReady()     // before a request: starts it if needed
/// ```
public final class ManagedProcess: Service, Sendable {
    public enum Phase: String, Sendable, Hashable, Codable {
        /// Not running, and not wanted yet (start on first request, or stopped when idle).
        case idle
        case starting
        case ready
        /// Died; starting again after the backoff.
        case restarting
        /// Died too often in a row; Ferry stopped restarting it.
        case failed
        /// Ferry is shutting down.
        case stopped
    }

    private struct State {
        var phase = Phase.idle
        var wanted: Bool
        var port: Int?
        var pid: Int32?
        var restartsInARow = 0
        var restarts = 0
        var lastExit: String?
        var failure: FerryError?
        var inFlight = 0
        var lastActivity = ContinuousClock.now
        var nextStart: ContinuousClock.Instant?
    }

    private enum Outcome: Sendable {
        case exited(String)
        case idle
    }

    public let name: String
    public let spec: LaunchSpec
    private let probe: @Sendable (_ port: Int) async -> Bool
    private let logger: Logger
    private let state: Mutex<State>
    private let tail = LogTail()
    private let wake: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation

    /// - Parameter ready: whether the server on `port` answers (its health probe).
    public init(name: String, spec: LaunchSpec, logger: Logger = Logger(label: "ferry.launch"), ready: @escaping @Sendable (_ port: Int) async -> Bool) {
        self.name = name
        self.spec = spec
        self.logger = logger
        probe = ready
        state = Mutex(State(wanted: !spec.startOnFirstRequest))
        (wake, wakeUp) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    public var phase: Phase { state.withLock(\.phase) }

    /// What `/status` and `ferry models` show.
    public var status: ServerProcessInfo {
        state.withLock { state in
            ServerProcessInfo(
                backend: name, phase: state.phase.rawValue, pid: state.pid, port: state.port, command: spec.commandLine(port: state.port),
                restarts: state.restarts, lastExit: state.lastExit, lastLines: tail.last(5)
            )
        }
    }

    // MARK: Requests

    /// Waits until the process is ready (starting it when idle) and returns its port; fails at once, naming the
    /// process's last lines, while it is restarting after a crash or when Ferry gave up on it.
    public func ensureReady() async throws(FerryError) -> Int {
        let deadline = ContinuousClock.now + spec.readyTimeout + .seconds(1)
        while true {
            let (phase, port, failure, woke) = state.withLock { state in
                var woke = false
                if !state.wanted, state.phase == .idle {
                    state.wanted = true
                    woke = true
                }
                state.lastActivity = .now
                return (state.phase, state.port, state.failure, woke)
            }
            if woke { wakeUp.yield() }
            switch phase {
            case .ready:
                if let port { return port }
            case .failed:
                throw failure ?? error("failed", hint: "check its command and log")
            case .stopped:
                throw error("was stopped: Ferry is shutting down", hint: "nothing to do")
            case .restarting:
                throw restartingError()
            case .idle, .starting:
                break
            }
            guard ContinuousClock.now < deadline else {
                throw error("did not become ready within \(spec.readyTimeout)", hint: "raise launch.ready_timeout, or check its log")
            }
            do { try await Task.sleep(for: .milliseconds(50)) } catch { throw FerryError(code: .cancelled, message: "The request was cancelled", hint: "nothing to do: the caller gave up") }
        }
    }

    /// A request to the process started; `finished()` when it ends (for the idle timer).
    public func requestStarted() {
        state.withLock { state in
            state.inFlight += 1
            state.lastActivity = .now
        }
    }

    public func requestFinished() {
        state.withLock { state in
            state.inFlight -= 1
            state.lastActivity = .now
        }
    }

    // MARK: Supervision

    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.supervise() }
        state.withLock { state in
            state.phase = .stopped
            state.pid = nil
        }
        wakeUp.finish()
    }

    private func supervise() async {
        var demands = wake.makeAsyncIterator()
        while !Task.isCancelled {
            guard state.withLock(\.wanted) else {
                guard await demands.next() != nil else { return }
                continue
            }
            let outcome = await runOnce()
            guard !Task.isCancelled else { return }
            switch outcome {
            case .idle:
                logger.info("stopped after \(spec.idleStop.map { "\($0)" } ?? "") without requests; the next request starts it again", metadata: ["backend": "\(name)"])
                state.withLock { state in
                    state.phase = .idle
                    state.wanted = false
                    state.pid = nil
                }
            case .exited(let how):
                let (restart, giveUp) = state.withLock { state in
                    state.restartsInARow += 1
                    state.lastExit = how
                    state.pid = nil
                    return (state.restartsInARow, state.restartsInARow > spec.restart.maxRestarts)
                }
                if giveUp {
                    let failure = error(
                        "\(how), \(restart) times in a row; Ferry stopped restarting it",
                        hint: "fix the command or its arguments (see the lines above), then restart Ferry"
                    )
                    logger.error("\(failure.message)", metadata: ["backend": "\(name)"])
                    state.withLock { state in
                        state.phase = .failed
                        state.failure = failure
                        state.wanted = false
                    }
                    continue
                }
                let delay = spec.restart.delay(beforeRestart: restart)
                logger.warning("it \(how); restart \(restart) of \(spec.restart.maxRestarts) in \(delay)", metadata: ["backend": "\(name)"])
                state.withLock { state in
                    state.phase = .restarting
                    state.nextStart = .now + delay
                    state.restarts += 1
                }
                do { try await Task.sleep(for: delay) } catch { return }
            }
        }
    }

    /// Runs the process once: until it exits, is not ready in time, or stays idle.
    private func runOnce() async -> Outcome {
        let port = choosePort()
        state.withLock { state in
            state.phase = .starting
            state.port = port
        }
        let arguments = spec.arguments.map { LaunchSpec.fill($0, port: port) }
        logger.info("starting: \(spec.commandLine(port: port))", metadata: ["backend": "\(name)"])
        return await withTaskGroup(of: Outcome?.self) { group in
            group.addTask { await self.execute(arguments: arguments, port: port) }
            group.addTask { await self.awaitReadiness(port: port) }
            if let idle = spec.idleStop {
                group.addTask { await self.watchIdle(idle) }
            }
            var outcome: Outcome = .exited("stopped")
            while let next = await group.next() {
                guard let next else { continue }
                outcome = next
                break
            }
            group.cancelAll()
            return outcome
        }
    }

    private func execute(arguments: [String], port: Int) async -> Outcome {
        var options = PlatformOptions()
        // Its own session and process group, so stopping it stops whatever it started; SIGTERM, then SIGKILL.
        options.createSession = true
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .seconds(5))]
        // If Ferry itself is killed, the kernel kills the child (setpriv sets the parent-death signal).
        let wrapped = Self.parentDeathWrapper.map { $0 + [spec.command] + arguments } ?? ([spec.command] + arguments)
        let environment = spec.environment.mapValues { LaunchSpec.fill($0, port: port) }
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in environment { updates[Environment.Key(stringLiteral: key)] = value }
        do {
            let result = try await Subprocess.run(
                Self.executable(wrapped[0]), arguments: Arguments(Array(wrapped.dropFirst())), environment: .inherit.updating(updates),
                platformOptions: options, input: .none, output: .sequence, error: .sequence
            ) { execution in
                state.withLock { $0.pid = execution.processIdentifier.value }
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.forward(execution.standardOutput) }
                    group.addTask { await self.forward(execution.standardError) }
                }
            }
            return switch result.terminationStatus {
            case .exited(let code): .exited("exited with code \(code)")
            case .signaled(let signal): .exited("was killed by signal \(signal)")
            }
        } catch {
            return .exited("could not be started: `\(spec.command)` failed (\(error))")
        }
    }

    private func forward(_ output: SubprocessOutputSequence) async {
        do {
            for try await line in output.strings() {
                let text = line.trimmingCharacters(in: .newlines)
                guard !text.isEmpty else { continue }
                tail.append(text)
                // Its chatter at debug (`--log-level debug` shows it), its warnings and errors at their level.
                logger.log(level: spec.output.level(of: text), "[\(name)] \(text)")
            }
        } catch {
            // The pipe closed with the process: nothing more to read.
        }
    }

    private func awaitReadiness(port: Int) async -> Outcome? {
        let started = ContinuousClock.now
        let deadline = started + spec.readyTimeout
        while ContinuousClock.now < deadline {
            if Task.isCancelled { return nil }
            if await probe(port) {
                state.withLock { state in
                    state.phase = .ready
                    state.restartsInARow = 0
                    state.failure = nil
                    state.lastActivity = .now
                }
                let pid = state.withLock(\.pid).map { ", pid \($0)" } ?? ""
                let elapsed = "\(((ContinuousClock.now - started).seconds * 10).rounded() / 10) s"
                logger.info("ready: \(spec.model.map { "\($0) " } ?? "")on port \(port)\(pid), \(elapsed) after its start", metadata: ["backend": "\(name)"])
                return nil
            }
            do { try await Task.sleep(for: .milliseconds(200)) } catch { return nil }
        }
        return .exited("did not answer its health probe within \(spec.readyTimeout)")
    }

    private func watchIdle(_ idle: Duration) async -> Outcome? {
        while true {
            do { try await Task.sleep(for: min(idle, .seconds(1))) } catch { return nil }
            let isIdle = state.withLock { $0.phase == .ready && $0.inFlight == 0 && ContinuousClock.now - $0.lastActivity >= idle }
            if isIdle { return .idle }
        }
    }

    private func choosePort() -> Int {
        if let port = state.withLock(\.port) { return port }
        switch spec.port {
        case .fixed(let port) where !FreePort.isTaken(port):
            return port
        case .fixed(let port):
            let other = FreePort.any() ?? port
            logger.warning("port \(port) is taken; using \(other) instead", metadata: ["backend": "\(name)"])
            return other
        case .any:
            return FreePort.any() ?? 0
        }
    }

    // MARK: Errors

    private func restartingError() -> FerryError {
        let (exit, restart, next) = state.withLock { ($0.lastExit ?? "stopped", $0.restartsInARow, $0.nextStart) }
        let wait = next.map { max(.zero, $0 - .now) } ?? .zero
        return error("is restarting (it \(exit); restart \(restart) of \(spec.restart.maxRestarts), next start in \(wait.milliseconds) ms)", hint: "wait, or add a fallback backend to the route; its log has the cause")
    }

    private func error(_ what: String, hint: String) -> FerryError {
        let lines = tail.last(5)
        let shown = lines.isEmpty ? "" : "; its last lines: " + lines.map { "«\($0)»" }.joined(separator: " ")
        return FerryError(code: .connectionFailed, message: "Backend `\(name)`'s server \(what)\(shown)", location: ErrorLocation(backend: name), hint: hint)
    }

    /// A path runs that file; a bare name is looked up on PATH.
    static func executable(_ command: String) -> Executable {
        command.contains("/") ? .path(FilePath(command)) : .name(command)
    }

    /// `setpriv --pdeathsig KILL --` when util-linux's setpriv is there, so a child never outlives a killed Ferry.
    static let parentDeathWrapper: [String]? = {
        for path in ["/usr/bin/setpriv", "/bin/setpriv"] where FileManager.default.isExecutableFile(atPath: path) {
            return [path, "--pdeathsig", "KILL", "--"]
        }
        return nil
    }()
}
