import AsyncHTTPClient
import FerryCore
import NIOHTTP1

/// Probes a backend's health endpoints in order until one answers, timing each.
enum HealthProbe {
    static func run(backend: BackendClient, paths: [String], listModels: () async throws -> [String]) async -> HealthReport {
        let clock = ContinuousClock()
        var probes: [HealthReport.Probe] = []
        var lastError: FerryError?
        for path in paths {
            let started = clock.now
            do {
                let response = try await backend.get(path)
                _ = try? await backend.http.collect(response, location: backend.location(path, model: nil))
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
            let served = try await listModels()
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
}
