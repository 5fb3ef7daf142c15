import FerryCore

/// One block of content, by its `type`: `text`, `image`, `tool_use`, `tool_result`, and the `thinking` and
/// `redacted_thinking` blocks clients send back with earlier assistant turns (kept on the wire, left out of the
/// core form). Any other type is refused, naming it.
public enum AnthropicContentBlock: Sendable, Hashable, Codable {
    case text(String)
    case image(AnthropicImageSource)
    case toolUse(id: String, name: String, input: JSONValue)
    case toolResult(toolUseID: String, content: AnthropicContent?, isError: Bool?)
    case thinking(String, signature: String?)
    case redactedThinking(String)

    enum CodingKeys: String, CodingKey {
        case type, text, source, id, name, input, content, thinking, signature, data
        case toolUseID = "tool_use_id"
        case isError = "is_error"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text":
            self = .text(try container.decode(String.self, forKey: .text))
        case "image":
            self = .image(try container.decode(AnthropicImageSource.self, forKey: .source))
        case "tool_use":
            self = .toolUse(id: try container.decode(String.self, forKey: .id), name: try container.decode(String.self, forKey: .name), input: try container.decodeIfPresent(JSONValue.self, forKey: .input) ?? [:])
        case "tool_result":
            self = .toolResult(
                toolUseID: try container.decode(String.self, forKey: .toolUseID),
                content: try container.decodeIfPresent(AnthropicContent.self, forKey: .content),
                isError: try container.decodeIfPresent(Bool.self, forKey: .isError)
            )
        case "thinking":
            self = .thinking(try container.decodeIfPresent(String.self, forKey: .thinking) ?? "", signature: try container.decodeIfPresent(String.self, forKey: .signature))
        case "redacted_thinking":
            self = .redactedThinking(try container.decodeIfPresent(String.self, forKey: .data) ?? "")
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "unknown content block type \"\(type)\" (Ferry takes text, image, tool_use, tool_result, thinking and redacted_thinking)"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .text)
        case .image(let source):
            try container.encode("image", forKey: .type)
            try container.encode(source, forKey: .source)
        case .toolUse(let id, let name, let input):
            try container.encode("tool_use", forKey: .type)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(input, forKey: .input)
        case .toolResult(let id, let content, let isError):
            try container.encode("tool_result", forKey: .type)
            try container.encode(id, forKey: .toolUseID)
            try container.encodeIfPresent(content, forKey: .content)
            try container.encodeIfPresent(isError, forKey: .isError)
        case .thinking(let text, let signature):
            try container.encode("thinking", forKey: .type)
            try container.encode(text, forKey: .thinking)
            try container.encodeIfPresent(signature, forKey: .signature)
        case .redactedThinking(let data):
            try container.encode("redacted_thinking", forKey: .type)
            try container.encode(data, forKey: .data)
        }
    }
}

/// An image: base64 bytes with their media type, or a URL.
public struct AnthropicImageSource: Sendable, Hashable, Codable {
    public var type: String
    public var mediaType: String?
    public var data: String?
    public var url: String?

    public init(type: String, mediaType: String? = nil, data: String? = nil, url: String? = nil) {
        self.type = type
        self.mediaType = mediaType
        self.data = data
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case type, data, url
        case mediaType = "media_type"
    }
}
