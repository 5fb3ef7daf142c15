/// Everything `ferry doctor` found on one backend URL.
public struct BackendDiagnosis: Sendable, Hashable, Encodable {
    public var backend: String
    public var provider: String
    public var url: String
    public var model: String?
    public var steps: [DiagnosisStep]

    public init(backend: String, provider: String, url: String, model: String?, steps: [DiagnosisStep] = []) {
        self.backend = backend
        self.provider = provider
        self.url = url
        self.model = model
        self.steps = steps
    }

    /// True when no check failed: requests to this backend can succeed.
    public var usable: Bool { !steps.contains { $0.status == .fail } }

    /// The problems found, in the order of the checks.
    public var problems: [Problem] { steps.compactMap(\.problem) }

    /// The step named `name`, when it ran.
    public func step(_ name: DiagnosisStep.Name) -> DiagnosisStep? { steps.first { $0.name == name } }
}

extension BackendDiagnosis {
    enum CodingKeys: String, CodingKey { case backend, provider, url, model, steps, usable }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(backend, forKey: .backend)
        try container.encode(provider, forKey: .provider)
        try container.encode(url, forKey: .url)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encode(steps, forKey: .steps)
        try container.encode(usable, forKey: .usable)
    }
}
