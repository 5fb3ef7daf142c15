import FerryCore

/// `GET /v1/models` response body; vLLM adds `max_model_len`, `root` and `parent`.
public struct OpenAIModelList: Codable, Sendable, Hashable {
    public struct Model: Codable, Sendable, Hashable {
        public var id: String
        public var object: String
        public var created: Int?
        public var ownedBy: String?
        public var maxModelLen: Int?
        public var root: String?

        enum CodingKeys: String, CodingKey {
            case id, object, created, root
            case ownedBy = "owned_by"
            case maxModelLen = "max_model_len"
        }

        public init(id: String, created: Int?, ownedBy: String?, maxModelLen: Int? = nil, root: String? = nil) {
            self.id = id
            self.object = "model"
            self.created = created
            self.ownedBy = ownedBy
            self.maxModelLen = maxModelLen
            self.root = root
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            object = try container.decodeIfPresent(String.self, forKey: .object) ?? "model"
            created = try container.decodeIfPresent(Int.self, forKey: .created)
            ownedBy = try container.decodeIfPresent(String.self, forKey: .ownedBy)
            maxModelLen = try container.decodeIfPresent(Int.self, forKey: .maxModelLen)
            root = try container.decodeIfPresent(String.self, forKey: .root)
        }
    }

    public var object: String
    public var data: [Model]

    public init(data: [Model]) {
        self.object = "list"
        self.data = data
    }

    public init(_ models: [ModelInfo]) {
        self.init(data: models.map { Model(id: $0.id, created: $0.created, ownedBy: $0.ownedBy, maxModelLen: $0.contextLength, root: $0.id) })
    }

    public var models: [ModelInfo] {
        data.map { ModelInfo(id: $0.id, ownedBy: $0.ownedBy, created: $0.created, contextLength: $0.maxModelLen) }
    }
}
