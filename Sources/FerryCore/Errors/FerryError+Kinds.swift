extension FerryError {
    /// The backend does not serve `requested`; `served` lists what it does serve.
    public static func modelNotFound(requested: String, served: [String], location: ErrorLocation, status: Int? = 404) -> FerryError {
        let hint: String
        if served.isEmpty {
            hint = "list the served models (GET /v1/models or /api/tags) and use one of those names, or start the server with this model"
        } else if served.count == 1 {
            hint = "use model \"\(served[0])\" (the only model this server serves), or `auto`, or start the server with \"\(requested)\""
        } else {
            hint = "use one of the served names: \(served.map { "\"\($0)\"" }.joined(separator: ", "))"
        }
        var place = location
        place.model = requested
        return FerryError(
            code: .modelNotFound,
            message: "The model `\(requested)` does not exist on this server",
            location: place,
            hint: hint,
            httpStatus: status,
            servedModels: served
        )
    }

    /// A request field is missing or wrong.
    public static func invalidRequest(_ message: String, field: String? = nil, location: ErrorLocation = ErrorLocation()) -> FerryError {
        FerryError(
            code: .badRequest,
            message: field.map { "Invalid field `\($0)`: \(message)" } ?? message,
            location: location,
            hint: "fix the request and send it again; it will not succeed unchanged",
            httpStatus: 400,
            field: field
        )
    }

    /// The backend's answer could not be read as its dialect.
    public static func invalidResponse(_ detail: String, location: ErrorLocation) -> FerryError {
        FerryError(
            code: .invalidResponse,
            message: "The backend's answer could not be read: \(detail)",
            location: location,
            hint: "check that the URL points at a server of the configured kind (OpenAI-compatible, Ollama or Gemini) and that no proxy rewrites its answers"
        )
    }

    /// A body, line or event exceeded `limit` bytes.
    public static func tooLarge(_ what: String, limit: Int, location: ErrorLocation = ErrorLocation()) -> FerryError {
        FerryError(
            code: .payloadTooLarge,
            message: "\(what) is larger than the limit of \(limit) bytes",
            location: location,
            hint: "raise the limit in the configuration if this size is expected, or check that the peer speaks the expected framing",
            httpStatus: 413
        )
    }

    /// An error the backend reported with an HTTP status, classified by that status.
    public static func upstream(status: Int, message: String, location: ErrorLocation, retryAfter: Duration? = nil) -> FerryError {
        let code: Code
        let hint: String
        switch status {
        case 401, 403:
            code = .unauthorized
            hint = "check the API key configured for this backend (it was missing or rejected)"
        case 404:
            code = .modelNotFound
            hint = "check the model name and the base URL; list the served models with `ferry models`"
        case 408:
            code = .timeout
            hint = "the backend timed out reading the request; try again, or raise its timeout"
        case 413:
            code = .payloadTooLarge
            hint = "send a shorter prompt or fewer inputs"
        case 429:
            code = .rateLimited
            hint = retryAfter.map { "wait \($0.milliseconds) ms as the backend asked, or add another backend to the route" }
                ?? "slow down, or add another backend to the route"
        case 409, 425:
            code = .upstreamFailure
            hint = "the backend reported a passing conflict; the request was tried again"
        case 400..<500:
            code = .rejected
            hint = "the backend rejected the request; fix the field it names"
        case 501:
            code = .rejected
            hint = "the backend does not implement this request; send it to a backend that does"
        case 500..<600 where refusesRequest(message):
            code = .rejected
            hint = "the backend cannot serve this request as sent (its message says why); change the request, or route it to a backend that supports it"
        default:
            code = .upstreamFailure
            hint = status == 503
                ? "the backend is overloaded or still loading its model; wait, or add a fallback backend"
                : "the backend failed; check its logs, or add a fallback backend"
        }
        return FerryError(
            code: code,
            message: "The backend answered HTTP \(status): \(message)",
            location: location,
            hint: hint,
            httpStatus: status,
            retryAfter: retryAfter
        )
    }

    /// Whether a 5xx's message says the request itself cannot be served (llama.cpp: "tools param requires --jinja
    /// flag", vLLM: "… is not supported"), which no retry of the same request will change.
    static func refusesRequest(_ message: String) -> Bool {
        let text = message.lowercased()
        return ["not supported", "unsupported", "does not support", "requires --", "not implemented"].contains { text.contains($0) }
    }

    /// The stream ended before its `finish` event.
    public static func streamInterrupted(_ detail: String, location: ErrorLocation) -> FerryError {
        FerryError(
            code: .streamInterrupted,
            message: "The stream broke off before it finished: \(detail)",
            location: location,
            hint: "the backend may have crashed or dropped the connection; check its logs"
        )
    }

    /// The backend does not offer `operation`.
    public static func unsupported(_ operation: String, location: ErrorLocation, alternative: String) -> FerryError {
        FerryError(
            code: .unsupported,
            message: "This backend does not offer \(operation)",
            location: location,
            hint: alternative
        )
    }
}
