import Hummingbird
import Logging
import ServiceLifecycle

extension SimServer {
    /// The logger of an embedded server: errors only.
    public static var embeddedLogger: Logger {
        var logger = Logger(label: "ferry.sim")
        logger.logLevel = .error
        return logger
    }

    /// Runs the server for the length of `body`, which gets the bound port, then stops it gracefully — how tests
    /// and benchmarks embed FerrySim.
    ///
    /// ```swift
    /// var configuration = SimConfiguration.instant(dialect: .vllm)
    /// configuration.port = 0
    /// try await SimServer(configuration: configuration).withRunning { port in
    ///     // talk to http://127.0.0.1:\(port)
    /// }
    /// ```
    /// - Parameter logger: where the server logs; by default only errors, as an embedded simulator should be quiet.
    public func withRunning<Value: Sendable>(
        logger: Logger = SimServer.embeddedLogger,
        _ body: @Sendable (_ port: Int) async throws -> Value
    ) async throws -> Value {
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = makeApplication(logger: logger) { port in portContinuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { portContinuation.finish() }
                try await group.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await tasks.waitForAll()
                throw CancellationError()
            }
            do {
                let value = try await body(port)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                tasks.cancelAll()
                throw error
            }
        }
    }
}
