/// Every error Ferry reports: what happened, where, and what to try.
///
/// ```swift
/// do { _ = try await model.chat(request) }
/// catch let error as FerryError where error.code == .modelNotFound {
///     print(error.message)          // The model `qwen` does not exist on this server.
///     print(error.servedModels)     // ["Qwen/Qwen2.5-1.5B-Instruct"]
///     print(error.hint)             // Use one of the served names, or start the server with ...
/// }
/// ```
public struct FerryError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The kind of failure; decides retries and the HTTP status a gateway answers with.
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        /// No TCP connection: refused, unresolvable host, reset before an answer.
        case connectionFailed
        /// A deadline passed (connect, first event, idle between events, total).
        case timeout
        /// The backend does not serve the requested model.
        case modelNotFound
        /// The request itself is wrong, as Ferry reads it: no backend will take it.
        case badRequest
        /// The backend refused this request itself — a 4xx other than 408, 409, 425 and 429, or a 5xx whose body
        /// says the request is unsupported: final for that backend; another backend of the route may take it.
        case rejected
        /// The API key is missing or rejected.
        case unauthorized
        /// The backend asked us to slow down (429).
        case rateLimited
        /// The backend failed (5xx) or is overloaded (503).
        case upstreamFailure
        /// The backend answered something Ferry could not read.
        case invalidResponse
        /// The stream broke off after it had begun.
        case streamInterrupted
        /// A body or a stream event was larger than allowed.
        case payloadTooLarge
        /// The backend does not offer this operation (e.g. legacy completions on Gemini).
        case unsupported
        /// The configuration is wrong.
        case configuration
        /// The caller cancelled.
        case cancelled
    }

    public var code: Code
    /// What happened, in one sentence.
    public var message: String
    /// Where it happened.
    public var location: ErrorLocation
    /// What to try next.
    public var hint: String
    /// The HTTP status the backend answered with, if any.
    public var httpStatus: Int?
    /// How long the backend asked us to wait (Retry-After), if it said.
    public var retryAfter: Duration?
    /// For `modelNotFound`: the models the backend does serve, when known.
    public var servedModels: [String]
    /// For `badRequest`: the request field at fault (`messages[0].role`), when one is (OpenAI's `param`).
    public var field: String?

    public init(
        code: Code,
        message: String,
        location: ErrorLocation = ErrorLocation(),
        hint: String,
        httpStatus: Int? = nil,
        retryAfter: Duration? = nil,
        servedModels: [String] = [],
        field: String? = nil
    ) {
        self.code = code
        self.message = message
        self.location = location
        self.hint = hint
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
        self.servedModels = servedModels
        self.field = field
    }

    public var description: String {
        var text = message
        let place = location.description
        if !place.isEmpty { text += " (\(place))" }
        if !hint.isEmpty { text += ". Try: \(hint)" }
        return text
    }

    /// Where another attempt may succeed.
    public enum Retry: Sendable, Hashable {
        /// On the same backend (after a backoff) or another: the failure was the backend's, and may pass.
        case anywhere
        /// On another backend only: this one cannot serve the request as sent (or does not serve its model).
        case elsewhere
        /// Nowhere: the request itself is wrong, or the client gave up.
        case never
    }

    /// Where another attempt may succeed (``Retry``).
    public var retry: Retry {
        switch code {
        case .connectionFailed, .timeout, .rateLimited, .upstreamFailure, .streamInterrupted: .anywhere
        case .modelNotFound, .rejected, .unauthorized, .payloadTooLarge, .unsupported: .elsewhere
        case .badRequest, .invalidResponse, .configuration, .cancelled: .never
        }
    }

    /// Whether another attempt (on this or another backend) may succeed.
    public var isRetryable: Bool { retry != .never }

    /// The same error with the location's unknown parts filled in from `location`.
    public func located(_ location: ErrorLocation) -> FerryError {
        var copy = self
        copy.location.backend = copy.location.backend ?? location.backend
        copy.location.url = copy.location.url ?? location.url
        copy.location.model = copy.location.model ?? location.model
        return copy
    }
}
