import FerryCore

/// The `error` object: `{"message","type","param","code"}`; `code` is a string (OpenAI) or an integer (vLLM).
public struct OpenAIErrorDetail: Codable, Sendable, Hashable {
    public var message: String
    public var type: String?
    public var param: String?
    public var code: JSONValue?

    public init(message: String, type: String?, param: String? = nil, code: JSONValue? = nil) {
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(message, forKey: .message)
        try container.encode(type, forKey: .type)
        try container.encode(param, forKey: .param)
        try container.encode(code ?? .null, forKey: .code)
    }
}

/// An error body in any of the three shapes OpenAI-compatible servers use:
/// OpenAI's `{"error":{…}}`, vLLM's older flat `{"object":"error","message",…,"code":404}` and vLLM's newer
/// nested one with an integer code.
public struct OpenAIErrorBody: Codable, Sendable, Hashable {
    public var error: OpenAIErrorDetail

    public init(error: OpenAIErrorDetail) { self.error = error }

    private enum Keys: String, CodingKey { case error, object, message, type, param, code }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        if let nested = try? container.decode(OpenAIErrorDetail.self, forKey: .error) {
            error = nested
        } else if let text = try? container.decode(String.self, forKey: .error) {
            error = OpenAIErrorDetail(message: text, type: nil)
        } else {
            error = OpenAIErrorDetail(
                message: try container.decode(String.self, forKey: .message),
                type: try container.decodeIfPresent(String.self, forKey: .type),
                param: try? container.decodeIfPresent(String.self, forKey: .param),
                code: try container.decodeIfPresent(JSONValue.self, forKey: .code)
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(error, forKey: .error)
    }

    /// The body for an HTTP status, typed the way OpenAI and vLLM type them.
    public init(status: Int, message: String, param: String? = nil, integerCode: Bool = true) {
        let type: String = switch status {
        case 400, 422: "BadRequestError"
        case 401: "AuthenticationError"
        case 403: "PermissionDeniedError"
        case 404: "NotFoundError"
        case 413: "RequestTooLargeError"
        case 429: "RateLimitError"
        default: status >= 500 ? "InternalServerError" : "BadRequestError"
        }
        self.init(error: OpenAIErrorDetail(message: message, type: type, param: param, code: integerCode ? .integer(Int64(status)) : nil))
    }

    /// The same error as a ``FerryError``, classified by HTTP status; vLLM's unknown-model message becomes
    /// `modelNotFound` naming the model.
    public func ferryError(status: Int, location: ErrorLocation, retryAfter: Duration? = nil) -> FerryError {
        if status == 404 || error.type == "NotFoundError", let model = Self.missingModel(in: error.message) {
            return FerryError.modelNotFound(requested: model, served: [], location: location, status: status)
        }
        return FerryError.upstream(status: status, message: error.message, location: location, retryAfter: retryAfter)
    }

    /// The model named in vLLM's "The model `X` does not exist." (or OpenAI's "The model `X` does not exist or you
    /// do not have access to it.").
    public static func missingModel(in message: String) -> String? {
        guard message.contains("does not exist"), let open = message.firstIndex(of: "`") else { return nil }
        let rest = message[message.index(after: open)...]
        guard let close = rest.firstIndex(of: "`") else { return nil }
        return String(rest[..<close])
    }
}
