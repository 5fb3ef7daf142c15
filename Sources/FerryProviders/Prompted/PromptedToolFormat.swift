import FerryCore

/// How a chat with tools is put to a model whose chat template has none: the tools and the action format go into
/// the system prompt, earlier tool calls become the assistant's JSON actions, tool results become user turns that
/// say which call they answer — so the conversation uses only the roles every template knows. With a grammar (a
/// backend that honours `response_format: json_schema`, as llama.cpp's server does) the answer is held to the action
/// format; the final answer then comes as `{"answer": "…"}`. ``PromptedToolParser`` reads the answer back.
///
/// ```swift
/// let prompted = PromptedToolFormat(constrained: false).request(for: request)   // no `tools`, only messages
/// ```
public struct PromptedToolFormat: Sendable {
    /// Whether the backend is asked for output held to the action schema.
    public var constrained: Bool

    public init(constrained: Bool) {
        self.constrained = constrained
    }

    /// `request` without tools, as messages any chat template takes.
    public func request(for request: ChatRequest) -> ChatRequest {
        var prompted = request
        prompted.tools = []
        prompted.toolChoice = nil
        var system = systemPrompt(tools: request.tools, choice: request.toolChoice)
        var rest = request.messages[...]
        if let first = rest.first, first.role == .system {
            system = first.text + "\n\n" + system
            rest = rest.dropFirst()
        }
        var messages: [ChatMessage] = [.system(system)]
        for message in rest {
            switch message.role {
            case .assistant where !message.toolCalls.isEmpty:
                messages.append(.assistant(Self.actionText(message.toolCalls)))
            case .tool:
                let name = message.name.map { "`\($0)`" } ?? "the tool"
                messages.append(.user("Result of \(name) (call \(message.toolCallID ?? "?")):\n\(message.text)\n\nIf the results so far answer the question, give the answer now."))
            case .system:
                messages.append(.user(message.text))
            default:
                messages.append(message)
            }
        }
        prompted.messages = messages
        if constrained { prompted.responseFormat = .jsonSchema(name: "action", schema: Self.schema(tools: request.tools, choice: request.toolChoice), strict: true) }
        return prompted
    }

    /// The instructions: the tools with their argument schemas, and the format of an action and of an answer.
    public func systemPrompt(tools: [ToolDefinition], choice: ToolChoice?) -> String {
        var text = "You can call tools. Whenever a tool can give or check the answer, call it instead of working the answer out yourself. "
        text += "To call one or more tools, reply with only this JSON, nothing before or after it:\n"
        text += #"{"tool_calls": [{"name": "TOOL_NAME", "arguments": {…}}]}"# + "\n"
        text += "The arguments follow the tool's schema. You will get each tool's result, then you may call tools again or answer.\n"
        if constrained {
            text += #"To answer the user, reply with only {"answer": "YOUR ANSWER"}."# + "\n"
        } else {
            text += "To answer the user, reply in plain text, without any JSON.\n"
        }
        switch choice {
        case .required?: text += "You must call a tool now.\n"
        case .function(let name)?: text += "You must call the tool \(name) now.\n"
        default: break
        }
        text += "\nTools:\n"
        for tool in tools {
            text += "- \(tool.name)"
            if let description = tool.description, !description.isEmpty { text += ": \(description)" }
            text += "\n  arguments schema: \(tool.parameters.jsonText)\n"
        }
        return text
    }

    /// Earlier calls as the action the model would have written.
    static func actionText(_ calls: [ToolCall]) -> String {
        let list: [JSONValue] = calls.map { call in
            .object(["name": .string(call.name), "arguments": call.argumentsValue ?? .object([:])])
        }
        return JSONValue.object(["tool_calls": .array(list)]).jsonText
    }

    /// An object schema with its properties and no others (unless it says otherwise): a small model otherwise
    /// copies the schema's own words (`title`, `type`) into the arguments.
    static func closed(_ schema: JSONValue) -> JSONValue {
        guard case .object(var members) = schema, members["properties"] != nil, members["additionalProperties"] == nil else { return schema }
        members["additionalProperties"] = false
        return .object(members)
    }

    /// The schema of a reply: tool calls, each naming a tool with arguments that follow that tool's own schema, or an
    /// answer — only calls when `choice` requires one, only to that tool when it names one; four calls a turn at
    /// most. No other keys: a small model held to this cannot wander off the format (or repeat a call to the end of
    /// its token budget).
    static func schema(tools: [ToolDefinition], choice: ToolChoice?) -> JSONValue {
        var offered = tools
        if case .function(let name)? = choice { offered = tools.filter { $0.name == name } }
        let perTool: [JSONValue] = offered.map { tool in
            [
                "type": "object",
                "properties": ["name": .object(["type": "string", "enum": [.string(tool.name)]]), "arguments": closed(tool.parameters)],
                "required": ["name", "arguments"],
                "additionalProperties": false,
            ]
        }
        let call: JSONValue = perTool.count == 1 ? perTool[0] : ["anyOf": .array(perTool)]
        let calls: JSONValue = [
            "type": "object", "properties": ["tool_calls": ["type": "array", "items": call, "minItems": 1, "maxItems": 4]], "required": ["tool_calls"],
            "additionalProperties": false,
        ]
        switch choice {
        case .required?, .function?:
            return calls
        default:
            return ["oneOf": [calls, ["type": "object", "properties": ["answer": ["type": "string"]], "required": ["answer"], "additionalProperties": false]]]
        }
    }
}
