import FerryCore

/// A model's `details` block, shared by `/api/tags`, `/api/show` and `/api/ps`.
public struct OllamaModelDetails: Codable, Sendable, Hashable {
    public var parentModel: String?
    public var format: String?
    public var family: String?
    public var families: [String]?
    public var parameterSize: String?
    public var quantizationLevel: String?

    enum CodingKeys: String, CodingKey {
        case format, family, families
        case parentModel = "parent_model"
        case parameterSize = "parameter_size"
        case quantizationLevel = "quantization_level"
    }

    public init(format: String? = "gguf", family: String?, parameterSize: String?, quantizationLevel: String?) {
        self.parentModel = ""
        self.format = format
        self.family = family
        self.families = family.map { [$0] }
        self.parameterSize = parameterSize
        self.quantizationLevel = quantizationLevel
    }
}

/// `GET /api/tags` response body: the local models.
public struct OllamaTagsResponse: Codable, Sendable, Hashable {
    public struct Model: Codable, Sendable, Hashable {
        public var name: String
        public var model: String
        public var modifiedAt: String?
        public var size: Int64?
        public var digest: String?
        public var details: OllamaModelDetails?

        enum CodingKeys: String, CodingKey {
            case name, model, size, digest, details
            case modifiedAt = "modified_at"
        }

        public init(name: String, modifiedAt: String?, size: Int64?, digest: String?, details: OllamaModelDetails?) {
            self.name = name
            self.model = name
            self.modifiedAt = modifiedAt
            self.size = size
            self.digest = digest
            self.details = details
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let name = try container.decodeIfPresent(String.self, forKey: .name) ?? container.decode(String.self, forKey: .model)
            self.name = name
            model = try container.decodeIfPresent(String.self, forKey: .model) ?? name
            modifiedAt = try container.decodeIfPresent(String.self, forKey: .modifiedAt)
            size = try container.decodeIfPresent(Int64.self, forKey: .size)
            digest = try container.decodeIfPresent(String.self, forKey: .digest)
            details = try container.decodeIfPresent(OllamaModelDetails.self, forKey: .details)
        }
    }

    public var models: [Model]

    public init(models: [Model]) { self.models = models }

    /// The models as core values.
    public var modelInfos: [ModelInfo] { models.map { ModelInfo(id: $0.name, ownedBy: "ollama") } }
}

/// `POST /api/show` request body (`model`, or the older `name`).
public struct OllamaShowRequest: Codable, Sendable, Hashable {
    public var model: String?
    public var name: String?
    public var verbose: Bool?

    public init(model: String) { self.model = model }

    /// The model asked about.
    public var requestedModel: String? { model ?? name }
}

/// `POST /api/show` response body.
public struct OllamaShowResponse: Codable, Sendable, Hashable {
    public var modelfile: String?
    public var parameters: String?
    public var template: String?
    public var license: String?
    public var details: OllamaModelDetails?
    public var modelInfo: [String: JSONValue]?
    public var capabilities: [String]?
    public var modifiedAt: String?

    enum CodingKeys: String, CodingKey {
        case modelfile, parameters, template, license, details, capabilities
        case modelInfo = "model_info"
        case modifiedAt = "modified_at"
    }

    public init(modelfile: String?, parameters: String?, template: String?, details: OllamaModelDetails?, modelInfo: [String: JSONValue]?, capabilities: [String]?, modifiedAt: String?) {
        self.modelfile = modelfile
        self.parameters = parameters
        self.template = template
        self.details = details
        self.modelInfo = modelInfo
        self.capabilities = capabilities
        self.modifiedAt = modifiedAt
    }

    /// The model as a core value (capabilities and context length when given).
    public func modelInfo(name: String) -> ModelInfo {
        let contextLength = modelInfo?.first(where: { $0.key.hasSuffix(".context_length") })?.value.doubleValue.map { Int($0) }
        let capabilities = Set((capabilities ?? []).compactMap(ModelCapability.init(rawValue:)))
        return ModelInfo(id: name, ownedBy: "ollama", contextLength: contextLength, capabilities: capabilities)
    }
}

/// `GET /api/ps` response body: the models loaded in memory.
public struct OllamaPsResponse: Codable, Sendable, Hashable {
    public struct Model: Codable, Sendable, Hashable {
        public var name: String
        public var model: String
        public var size: Int64?
        public var digest: String?
        public var details: OllamaModelDetails?
        public var expiresAt: String?
        public var sizeVRAM: Int64?
        public var contextLength: Int?

        enum CodingKeys: String, CodingKey {
            case name, model, size, digest, details
            case expiresAt = "expires_at"
            case sizeVRAM = "size_vram"
            case contextLength = "context_length"
        }

        public init(name: String, size: Int64?, digest: String?, details: OllamaModelDetails?, expiresAt: String?, sizeVRAM: Int64?, contextLength: Int?) {
            self.name = name
            self.model = name
            self.size = size
            self.digest = digest
            self.details = details
            self.expiresAt = expiresAt
            self.sizeVRAM = sizeVRAM
            self.contextLength = contextLength
        }
    }

    public var models: [Model]

    public init(models: [Model]) { self.models = models }
}

/// `GET /api/version` response body.
public struct OllamaVersionResponse: Codable, Sendable, Hashable {
    public var version: String

    public init(version: String) { self.version = version }
}

/// Ollama's error body, `{"error":"…"}`.
public struct OllamaErrorBody: Codable, Sendable, Hashable {
    public var error: String

    public init(error: String) { self.error = error }
}
