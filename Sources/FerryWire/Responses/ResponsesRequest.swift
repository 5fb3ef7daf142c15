import FerryCore

/// The OpenAI Responses API's request (`POST /v1/responses`): `input` as a string or items (messages, function
/// calls and their outputs), `instructions`, function `tools`, `tool_choice`, `text.format` for structured output,
/// `previous_response_id` to go on from a stored response, `store`, `stream`, and sampling.
///
/// ```swift
/// let wire = try WireJSON.decodeRequest(ResponsesRequest.self, from: body)
/// let chat = try wire.chatRequest(history: [])
/// ```
public struct ResponsesRequest: Sendable, Hashable, Codable {
    public var model: String
    public var input: ResponsesInput?
    public var instructions: String?
    public var tools: [ResponsesTool]?
    public var toolChoice: ResponsesToolChoice?
    public var text: ResponsesText?
    public var reasoning: JSONValue?
    public var previousResponseID: String?
    public var store: Bool?
    public var stream: Bool?
    public var temperature: Double?
    public var topP: Double?
    public var maxOutputTokens: Int?
    public var parallelToolCalls: Bool?
    public var user: String?
    public var metadata: [String: String]?

    public init(model: String, input: ResponsesInput?) {
        self.model = model
        self.input = input
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, input, instructions, tools, text, reasoning, store, stream, temperature, user, metadata
        case toolChoice = "tool_choice"
        case previousResponseID = "previous_response_id"
        case topP = "top_p"
        case maxOutputTokens = "max_output_tokens"
        case parallelToolCalls = "parallel_tool_calls"
    }
}

/// `input`: a string (one user message) or items.
public enum ResponsesInput: Sendable, Hashable, Codable {
    case text(String)
    case items([ResponsesItem])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .items(try container.decode([ResponsesItem].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .items(let items): try container.encode(items)
        }
    }

    public var items: [ResponsesItem] {
        switch self {
        case .text(let text): [.message(ResponsesMessage(role: "user", content: .text(text)))]
        case .items(let items): items
        }
    }
}

/// One item of a conversation, in or out: a message, a function call, a function call's output, or reasoning
/// (kept on the wire, left out of the core form). Any other type is refused, naming it.
public enum ResponsesItem: Sendable, Hashable, Codable {
    case message(ResponsesMessage)
    case functionCall(ResponsesFunctionCall)
    case functionCallOutput(callID: String, output: String)
    case reasoning(JSONValue)

    enum CodingKeys: String, CodingKey {
        case type
        case callID = "call_id"
        case output
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // A message may leave out its type ({"role": "user", "content": "hi"}).
        switch try container.decodeIfPresent(String.self, forKey: .type) ?? "message" {
        case "message":
            self = .message(try ResponsesMessage(from: decoder))
        case "function_call":
            self = .functionCall(try ResponsesFunctionCall(from: decoder))
        case "function_call_output":
            let output: String
            if let text = try? container.decode(String.self, forKey: .output) {
                output = text
            } else {
                output = try container.decode(ResponsesContent.self, forKey: .output).text
            }
            self = .functionCallOutput(callID: try container.decode(String.self, forKey: .callID), output: output)
        case "reasoning":
            self = .reasoning(try JSONValue(from: decoder))
        case let type:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "unknown input item type \"\(type)\" (Ferry takes message, function_call, function_call_output and reasoning)"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .message(let message):
            try message.encode(to: encoder)
        case .functionCall(let call):
            try call.encode(to: encoder)
        case .functionCallOutput(let id, let output):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("function_call_output", forKey: .type)
            try container.encode(id, forKey: .callID)
            try container.encode(output, forKey: .output)
        case .reasoning(let value):
            try value.encode(to: encoder)
        }
    }
}

/// A message item: `role` (user, assistant, system, developer) and content as a string or parts.
public struct ResponsesMessage: Sendable, Hashable, Codable {
    public var type: String?
    public var id: String?
    public var status: String?
    public var role: String
    public var content: ResponsesContent

    public init(id: String? = nil, role: String, content: ResponsesContent, status: String? = nil) {
        type = "message"
        self.id = id
        self.role = role
        self.content = content
        self.status = status
    }
}

/// A message's content: a string, or parts (`input_text`, `input_image`, `output_text`, `refusal`).
public enum ResponsesContent: Sendable, Hashable, Codable {
    case text(String)
    case parts([ResponsesContentPart])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .parts(try container.decode([ResponsesContentPart].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .parts(let parts): try container.encode(parts)
        }
    }

    /// The text parts joined.
    public var text: String {
        switch self {
        case .text(let text): text
        case .parts(let parts): parts.compactMap(\.text).joined()
        }
    }
}

public struct ResponsesContentPart: Sendable, Hashable, Codable {
    public var type: String
    public var text: String?
    public var imageURL: String?
    public var detail: String?
    public var annotations: [JSONValue]?
    public var refusal: String?

    public init(type: String, text: String? = nil) {
        self.type = type
        self.text = text
        if type == "output_text" { annotations = [] }
    }

    enum CodingKeys: String, CodingKey {
        case type, text, detail, annotations, refusal
        case imageURL = "image_url"
    }
}

/// A function call item: what the model asked for (`call_id` links its output).
public struct ResponsesFunctionCall: Sendable, Hashable, Codable {
    public var type: String
    public var id: String?
    public var callID: String
    public var name: String
    public var arguments: String
    public var status: String?

    public init(id: String?, callID: String, name: String, arguments: String, status: String?) {
        type = "function_call"
        self.id = id
        self.callID = callID
        self.name = name
        self.arguments = arguments
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case type, id, name, arguments, status
        case callID = "call_id"
    }
}

/// A function tool: `{"type": "function", "name", "description", "parameters", "strict"}`. Built-in tools (web
/// search, file search, computer use, …) run only on OpenAI's platform and are refused.
public struct ResponsesTool: Sendable, Hashable, Codable {
    public var type: String
    public var name: String?
    public var description: String?
    public var parameters: JSONValue?
    public var strict: Bool?

    public init(name: String, description: String?, parameters: JSONValue, strict: Bool?) {
        type = "function"
        self.name = name
        self.description = description
        self.parameters = parameters
        self.strict = strict
    }
}

/// `"auto" | "none" | "required"`, or `{"type": "function", "name": …}`.
public enum ResponsesToolChoice: Sendable, Hashable, Codable {
    case mode(String)
    case function(String)

    enum CodingKeys: String, CodingKey {
        case type, name
    }

    public init(from decoder: any Decoder) throws {
        if let mode = try? decoder.singleValueContainer().decode(String.self) {
            self = .mode(mode)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        guard type == "function" else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "a tool choice object must be of type function, got \"\(type)\"")
        }
        self = .function(try container.decode(String.self, forKey: .name))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .mode(let mode):
            var container = encoder.singleValueContainer()
            try container.encode(mode)
        case .function(let name):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("function", forKey: .type)
            try container.encode(name, forKey: .name)
        }
    }
}

/// `text: {"format": {"type": "text" | "json_object" | "json_schema", "name", "schema", "strict"}}`.
public struct ResponsesText: Sendable, Hashable, Codable {
    public var format: Format?

    public struct Format: Sendable, Hashable, Codable {
        public var type: String
        public var name: String?
        public var schema: JSONValue?
        public var strict: Bool?

        public init(type: String, name: String? = nil, schema: JSONValue? = nil, strict: Bool? = nil) {
            self.type = type
            self.name = name
            self.schema = schema
            self.strict = strict
        }
    }

    public init(format: Format?) {
        self.format = format
    }
}
