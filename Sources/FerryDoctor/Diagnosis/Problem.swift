/// What `ferry doctor` can find wrong with a backend; each has a stable name for scripts (`--json`) and tests.
public enum Problem: String, Sendable, Hashable, Codable, CaseIterable {
    /// The URL cannot be parsed.
    /// A launched backend's process did not start, or did not become ready.
    case processFailed = "process-failed"
    case invalidURL = "invalid-url"
    /// The base URL repeats its API version (`…/v1/v1`).
    case doubledVersionPath = "doubled-version-path"
    /// The host name does not resolve.
    case nameNotResolved = "name-not-resolved"
    /// Nothing accepts connections on the port.
    case nothingListening = "nothing-listening"
    /// The server that answers is on another port, or the port serves another kind of server.
    case wrongPort = "wrong-port"
    /// Connecting took longer than the connect timeout.
    case connectTimeout = "connect-timeout"
    /// Something listens, but no health or model endpoint of this kind of server answers.
    case notAnInferenceServer = "not-an-inference-server"
    /// The server asked for an API key that was missing or rejected.
    case apiKeyRejected = "api-key-rejected"
    /// The configured model is not among the served ones.
    case modelMismatch = "model-mismatch"
    /// Ollama does not have the configured model locally.
    case modelNotPulled = "model-not-pulled"
    /// The server serves no model at all.
    case noModelServed = "no-model-served"
    /// No model is configured and the server serves several.
    case ambiguousModel = "ambiguous-model"
    /// The one-token completion failed for another reason.
    case completionFailed = "completion-failed"
    /// The first inference was very slow and later ones fast: the server warms up on first use.
    case slowFirstInference = "slow-first-inference"
    /// Every inference is slow.
    case slowInference = "slow-inference"
}
