import AsyncHTTPClient
import FerryCore
import NIOHTTP1

/// Probes a backend's health endpoints in order until one answers, timing each; every request within the client's
/// probe timeout (a backend that accepts and never answers is unhealthy then, not after the request timeout).
enum HealthProbe {
    static func run(backend: BackendClient, paths: [String], listModels: @escaping @Sendable () async throws -> [String]) async -> HealthReport {
        let limit = backend.http.configuration.probeTimeout
        let clock = ContinuousClock()
        var probes: [HealthReport.Probe] = []
        var lastError: FerryError?
        for path in paths {
            let started = clock.now
            do {
                let response = try await within(limit, what: path, backend: backend) {
                    let response = try await backend.get(path)
                    _ = try? await backend.http.collect(response, location: backend.location(path, model: nil))
                    return response
                }
                probes.append(HealthReport.Probe(endpoint: path, statusCode: Int(response.status.code), latency: clock.now - started, ok: true))
                break
            } catch let error as FerryError {
                probes.append(HealthReport.Probe(endpoint: path, statusCode: error.httpStatus, latency: clock.now - started, ok: false, detail: error.message))
                lastError = error
                // Nothing listening: the other paths will not answer either.
                if error.code == .connectionFailed || error.code == .timeout { break }
            } catch {
                probes.append(HealthReport.Probe(endpoint: path, latency: clock.now - started, ok: false, detail: "\(error)"))
            }
        }
        guard probes.contains(where: \.ok) else {
            return HealthReport(backend: backend.name, url: backend.endpoint.root, status: .unhealthy, probes: probes, error: lastError)
        }
        do {
            let served = try await within(limit, what: "the model list", backend: backend, listModels)
            if served.isEmpty {
                let error = FerryError(code: .modelNotFound, message: "The backend answers but serves no model", location: backend.location("", model: nil), hint: "load or pull a model on the server")
                return HealthReport(backend: backend.name, url: backend.endpoint.root, status: .degraded, probes: probes, error: error)
            }
            return HealthReport(backend: backend.name, url: backend.endpoint.root, status: .healthy, probes: probes, servedModels: served)
        } catch let error as FerryError {
            return HealthReport(backend: backend.name, url: backend.endpoint.root, status: .degraded, probes: probes, error: error)
        } catch {
            return HealthReport(backend: backend.name, url: backend.endpoint.root, status: .degraded, probes: probes)
        }
    }

    /// Runs `operation`, failing with a timeout that names the backend and `what` when `limit` passes first (the
    /// operation is cancelled: AsyncHTTPClient closes the connection).
    private static func within<Value: Sendable>(
        _ limit: Duration, what: String, backend: BackendClient, _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        guard let value = try await firstOrNil(operation, before: { try await Task.sleep(for: limit) }) else {
            throw FerryError(
                code: .timeout, message: "The health probe got no answer for \(what) within \(limit)",
                location: backend.location(what.hasPrefix("/") ? what : "", model: nil),
                hint: "the server accepts connections but does not answer: it may be stuck (a first CUDA-graph compile, a deadlock); check its logs"
            )
        }
        return value
    }
}
