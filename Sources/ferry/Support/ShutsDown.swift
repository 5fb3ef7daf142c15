/// What a command starts and must stop whatever happens: launched backends, connections.
protocol ShutsDown {
    func shutdown() async
}

extension ShutsDown {
    /// Runs `body` with `self`, then shuts down, whether it threw or not.
    func using<Value>(_ body: (Self) async throws -> Value) async throws -> Value {
        do {
            let value = try await body(self)
            await shutdown()
            return value
        } catch {
            await shutdown()
            throw error
        }
    }
}
