import FerryCore

/// `POST /v1beta/models/{model}:generateContent` (and `:streamGenerateContent`) request body.
public struct GeminiGenerateContentRequest: Codable, Sendable, Hashable {
    public var contents: [GeminiContent]
    public var systemInstruction: GeminiContent?
    public var generationConfig: GeminiGenerationConfig?
    public var tools: [GeminiTool]?
    public var toolConfig: GeminiToolConfig?
    public var safetySettings: JSONValue?

    public init(contents: [GeminiContent]) {
        self.contents = contents
    }
}

/// A turn: `role` is `user` or `model`, with parts.
public struct GeminiContent: Codable, Sendable, Hashable {
    public var role: String?
    public var parts: [GeminiPart]

    public init(role: String?, parts: [GeminiPart]) {
        self.role = role
        self.parts = parts
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decodeIfPresent(String.self, forKey: .role)
        parts = try container.decodeIfPresent([GeminiPart].self, forKey: .parts) ?? []
    }
}

/// One part: text, inline data, a function call or a function response.
public struct GeminiPart: Codable, Sendable, Hashable {
    public struct InlineData: Codable, Sendable, Hashable {
        public var mimeType: String
        public var data: String
    }

    public struct FileData: Codable, Sendable, Hashable {
        public var mimeType: String?
        public var fileUri: String
    }

    public struct FunctionCall: Codable, Sendable, Hashable {
        public var id: String?
        public var name: String
        public var args: JSONValue?

        public init(id: String? = nil, name: String, args: JSONValue?) {
            self.id = id
            self.name = name
            self.args = args
        }
    }

    public struct FunctionResponse: Codable, Sendable, Hashable {
        public var id: String?
        public var name: String
        public var response: JSONValue

        public init(id: String? = nil, name: String, response: JSONValue) {
            self.id = id
            self.name = name
            self.response = response
        }
    }

    public var text: String?
    public var inlineData: InlineData?
    public var fileData: FileData?
    public var functionCall: FunctionCall?
    public var functionResponse: FunctionResponse?
    public var thought: Bool?
    /// Newer models sign their calls; the signature must be echoed back on the next turn.
    public var thoughtSignature: String?

    public init(text: String) { self.text = text }
    public init(functionCall: FunctionCall) { self.functionCall = functionCall }
    public init(functionResponse: FunctionResponse) { self.functionResponse = functionResponse }
    public init(inlineData: InlineData) { self.inlineData = inlineData }
    public init(fileData: FileData) { self.fileData = fileData }
}

/// `generationConfig`.
public struct GeminiGenerationConfig: Codable, Sendable, Hashable {
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var maxOutputTokens: Int?
    public var stopSequences: [String]?
    public var seed: Int?
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?
    public var candidateCount: Int?
    public var responseMimeType: String?
    public var responseSchema: JSONValue?
    public var responseJsonSchema: JSONValue?

    public init() {}
}

/// `tools[]`: function declarations.
public struct GeminiTool: Codable, Sendable, Hashable {
    public struct FunctionDeclaration: Codable, Sendable, Hashable {
        public var name: String
        public var description: String?
        public var parameters: JSONValue?
        public var parametersJsonSchema: JSONValue?

        public init(name: String, description: String?, parameters: JSONValue?) {
            self.name = name
            self.description = description
            self.parameters = parameters
        }
    }

    public var functionDeclarations: [FunctionDeclaration]?

    public init(functionDeclarations: [FunctionDeclaration]?) {
        self.functionDeclarations = functionDeclarations
    }
}

/// `toolConfig.functionCallingConfig`: mode `AUTO`, `ANY`, `NONE`, optionally limited to named functions.
public struct GeminiToolConfig: Codable, Sendable, Hashable {
    public struct FunctionCallingConfig: Codable, Sendable, Hashable {
        public var mode: String?
        public var allowedFunctionNames: [String]?
    }

    public var functionCallingConfig: FunctionCallingConfig?
}

/// The response of `generateContent`, and each element of a streamed one.
public struct GeminiGenerateContentResponse: Codable, Sendable, Hashable {
    public struct Candidate: Codable, Sendable, Hashable {
        public var content: GeminiContent?
        public var finishReason: String?
        public var index: Int?

        public init(content: GeminiContent?, finishReason: String?, index: Int? = 0) {
            self.content = content
            self.finishReason = finishReason
            self.index = index
        }
    }

    public struct UsageMetadata: Codable, Sendable, Hashable {
        public var promptTokenCount: Int?
        public var candidatesTokenCount: Int?
        public var totalTokenCount: Int?
        public var cachedContentTokenCount: Int?

        public init(_ usage: Usage) {
            promptTokenCount = usage.promptTokens
            candidatesTokenCount = usage.completionTokens
            totalTokenCount = usage.totalTokens
            cachedContentTokenCount = usage.cachedPromptTokens
        }

        public var usage: Usage {
            Usage(promptTokens: promptTokenCount ?? 0, completionTokens: candidatesTokenCount ?? 0, cachedPromptTokens: cachedContentTokenCount)
        }
    }

    public var candidates: [Candidate]?
    public var usageMetadata: UsageMetadata?
    public var modelVersion: String?
    public var responseId: String?
    /// An error object some proxies put in a stream.
    public var error: GeminiErrorBody.Detail?

    public init(candidates: [Candidate]?, usageMetadata: UsageMetadata?, modelVersion: String?, responseId: String?) {
        self.candidates = candidates
        self.usageMetadata = usageMetadata
        self.modelVersion = modelVersion
        self.responseId = responseId
    }
}

/// Google's error body: `{"error":{"code":404,"message":…,"status":"NOT_FOUND"}}`.
public struct GeminiErrorBody: Codable, Sendable, Hashable {
    public struct Detail: Codable, Sendable, Hashable {
        public var code: Int
        public var message: String
        public var status: String

        public init(code: Int, message: String, status: String) {
            self.code = code
            self.message = message
            self.status = status
        }
    }

    public var error: Detail

    public init(code: Int, message: String) {
        let status = switch code {
        case 400: "INVALID_ARGUMENT"
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "NOT_FOUND"
        case 429: "RESOURCE_EXHAUSTED"
        case 503: "UNAVAILABLE"
        case 504: "DEADLINE_EXCEEDED"
        default: code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION"
        }
        error = Detail(code: code, message: message, status: status)
    }
}

/// `GET /v1beta/models` response body.
public struct GeminiModelList: Codable, Sendable, Hashable {
    public struct Model: Codable, Sendable, Hashable {
        /// `models/<id>`.
        public var name: String
        public var displayName: String?
        public var inputTokenLimit: Int?
        public var outputTokenLimit: Int?
        public var supportedGenerationMethods: [String]?

        public init(name: String, displayName: String?, inputTokenLimit: Int?, outputTokenLimit: Int?, supportedGenerationMethods: [String]?) {
            self.name = name
            self.displayName = displayName
            self.inputTokenLimit = inputTokenLimit
            self.outputTokenLimit = outputTokenLimit
            self.supportedGenerationMethods = supportedGenerationMethods
        }
    }

    public var models: [Model]

    public init(models: [Model]) { self.models = models }

    public var modelInfos: [ModelInfo] {
        models.map { model in
            let id = model.name.hasPrefix("models/") ? String(model.name.dropFirst("models/".count)) : model.name
            var capabilities: Set<ModelCapability> = []
            if model.supportedGenerationMethods?.contains("generateContent") == true { capabilities.insert(.chat) }
            if model.supportedGenerationMethods?.contains("embedContent") == true { capabilities.insert(.embedding) }
            return ModelInfo(id: id, ownedBy: "google", contextLength: model.inputTokenLimit, capabilities: capabilities)
        }
    }
}
