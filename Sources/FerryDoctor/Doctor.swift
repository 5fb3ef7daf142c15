import FerryConfig
import FerryCore
import FerryProviders
import FerryWire

/// Checks a backend step by step — URL, name resolution, TCP connect, health endpoints, served models against the
/// configured model, a one-token completion, time to first token — and says, for each failure, what is wrong and
/// the exact fix.
///
/// ```swift
/// let doctor = Doctor(http: ProviderHTTPClient())
/// for diagnosis in await doctor.examine(configuration.backends) {
///     print(diagnosis.backend, diagnosis.usable, diagnosis.problems)
/// }
/// ```
public struct Doctor: Sendable {
    public struct Settings: Sendable {
        /// Time allowed for a TCP connection.
        public var connectTimeout: Duration = .seconds(3)
        /// A first token slower than this is reported (with warm-up advice when the next one is fast).
        public var slowFirstToken: Duration = .seconds(5)
        /// Ports tried on the same host when nothing listens on the configured one (nil: the usual ports of
        /// vLLM, llama.cpp, TGI and Ollama).
        public var alternatePorts: [Int]?

        public init() {}
    }

    public let http: ProviderHTTPClient
    public var settings: Settings

    public init(http: ProviderHTTPClient, settings: Settings = Settings()) {
        self.http = http
        self.settings = settings
    }

    /// Every URL of every backend, in order.
    public func examine(_ backends: [FerryConfiguration.Backend]) async -> [BackendDiagnosis] {
        var diagnoses: [BackendDiagnosis] = []
        for backend in backends {
            for url in backend.urls.isEmpty ? [nil] : backend.urls.map(Optional.some) {
                diagnoses.append(await examine(backend, url: url))
            }
        }
        return diagnoses
    }

    /// One URL of a backend (nil: the provider's public default).
    public func examine(_ backend: FerryConfiguration.Backend, url: String?) async -> BackendDiagnosis {
        var diagnosis = BackendDiagnosis(backend: backend.name, provider: backend.provider.rawValue, url: url ?? "(default)", model: backend.model)
        var checkup = Checkup(doctor: self, backend: backend, diagnosis: diagnosis)
        await checkup.run(url: url)
        diagnosis = checkup.diagnosis
        return diagnosis
    }
}
