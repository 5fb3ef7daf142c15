import FerryCore
import Foundation

/// Reads the answer of a model asked to call tools in text (``PromptedToolFormat``) back into structured tool
/// calls — tolerant of what small models write around and inside the JSON: code fences, text before and after,
/// single-quoted Python-style dictionaries, several actions (a `tool_calls` list, several objects, a bare list,
/// ReAct's `Action:` / `Action Input:` lines), the common key spellings (`name`/`tool`/`function`,
/// `arguments`/`args`/`parameters`/`input`, arguments given as a JSON string), and `{"answer": …}` or `Final Answer:`
/// for the final answer. What looks like an action but cannot be read, or names a tool that does not exist, is a
/// ``Outcome/malformed(_:)`` with the reason — never a guessed call.
///
/// ```swift
/// let parser = PromptedToolParser(tools: ["get_weather"])
/// parser.parse("```json\n{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]}\n```")
/// // .toolCalls([ToolCall(id: "call_0_…", name: "get_weather", arguments: "{\"city\":\"Paris\"}")])
/// ```
public struct PromptedToolParser: Sendable {
    /// What a model's text said.
    public enum Outcome: Sendable, Hashable {
        /// Tool calls, in order (arguments as compact JSON objects).
        case toolCalls([ToolCall])
        /// A final answer for the user.
        case answer(String)
        /// An action that could not be read, and why.
        case malformed(String)
    }

    public let tools: Set<String>

    public init(tools: some Sequence<String>) {
        self.tools = Set(tools)
    }

    public func parse(_ text: String) -> Outcome {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let react = reactActions(trimmed) { return react }
        let candidates = Self.jsonCandidates(in: trimmed)
        var calls: [(name: String, arguments: JSONValue)] = []
        var answer: String?
        var problem: String?
        for candidate in candidates {
            guard let value = Self.readLoosely(candidate) else {
                // A reply cut short (the token limit) keeps the calls it wrote whole.
                let whole = Self.wholeCalls(inCutAction: candidate)
                if !whole.isEmpty, case .calls(let found) = read(.array(whole)) {
                    calls += found
                } else if Self.mentionsAction(candidate) {
                    problem = problem ?? "the action is not valid JSON: \(Self.clip(candidate))"
                }
                continue
            }
            switch read(value) {
            case .calls(let found): calls += found
            case .answer(let text): answer = answer ?? text
            case .problem(let reason): problem = problem ?? reason
            case .none: break
            }
        }
        if !calls.isEmpty {
            if let unknown = calls.first(where: { !tools.contains($0.name) }) {
                return .malformed("the model called `\(unknown.name)`, which is not one of the tools: \(tools.sorted().joined(separator: ", "))")
            }
            return .toolCalls(calls.enumerated().map { index, call in
                ToolCall(id: ToolCall.synthesizedID(index: index, seed: text), name: call.name, arguments: call.arguments.jsonText)
            })
        }
        if let problem { return .malformed(problem) }
        if let answer { return .answer(answer) }
        if let final = Self.after("Final Answer:", in: trimmed) { return .answer(final) }
        return .answer(Self.withoutFences(trimmed))
    }

    // MARK: Reading values

    private enum Reading {
        case calls([(name: String, arguments: JSONValue)])
        case answer(String)
        case problem(String)
        case none
    }

    private func read(_ value: JSONValue) -> Reading {
        switch value {
        case .array(let items):
            var calls: [(name: String, arguments: JSONValue)] = []
            for item in items {
                switch read(item) {
                case .calls(let found): calls += found
                case .problem(let reason): return .problem(reason)
                case .answer, .none: continue
                }
            }
            return calls.isEmpty ? .none : .calls(calls)
        case .object(let object):
            for key in ["tool_calls", "actions", "calls", "tool_uses"] {
                if let list = object[key] {
                    if case .array = list { return read(list) }
                    return read(.array([list]))
                }
            }
            if let call = object["function"], case .object = call, call["name"] != nil { return read(call) }
            if let name = (object["name"] ?? object["tool"] ?? object["tool_name"] ?? object["action"])?.stringValue {
                if name == "final_answer" || name == "Final Answer" {
                    return .answer(Self.text(of: object["arguments"] ?? object["action_input"] ?? object["input"] ?? .string("")))
                }
                let given = object["arguments"] ?? object["args"] ?? object["parameters"] ?? object["input"] ?? object["action_input"]
                // `{"name": "Alice", "age": 3}` in an answer is data, not a call: a name that is no tool counts as
                // an action only when arguments come with it.
                if given == nil, !tools.contains(name) { return .none }
                let raw = given ?? .object([:])
                guard let arguments = Self.argumentsObject(raw) else {
                    return .problem("the arguments of `\(name)` are not a JSON object: \(Self.clip(raw.jsonText))")
                }
                return .calls([(name, arguments)])
            }
            if let answer = object["answer"] ?? object["final_answer"] ?? object["response"] { return .answer(Self.text(of: answer)) }
            return .none
        default:
            return .none
        }
    }

    /// Arguments as an object: as given, or parsed from a string that holds one; empty for null.
    private static func argumentsObject(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .object: return value
        case .null: return .object([:])
        case .string(let text):
            if text.trimmingCharacters(in: .whitespaces).isEmpty { return .object([:]) }
            guard let parsed = readLoosely(text), case .object = parsed else { return nil }
            return parsed
        default: return nil
        }
    }

    private static func text(of value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return value.jsonText
    }

    // MARK: ReAct

    /// `Action: name` followed by `Action Input: {…}` (as many as given), or nil when there is no `Action:` line.
    private func reactActions(_ text: String) -> Outcome? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.contains(where: { $0.hasPrefix("Action:") }) else { return nil }
        var calls: [ToolCall] = []
        var index = 0
        while index < lines.count {
            guard lines[index].hasPrefix("Action:") else {
                index += 1
                continue
            }
            let name = lines[index].dropFirst("Action:".count).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "`\"'"))
            var input = ""
            var next = index + 1
            if next < lines.count, lines[next].hasPrefix("Action Input:") {
                input = String(lines[next].dropFirst("Action Input:".count))
                next += 1
                // The input may go on over several lines, up to the next keyword.
                while next < lines.count, !["Action:", "Observation:", "Thought:", "Final Answer:"].contains(where: { lines[next].hasPrefix($0) }) {
                    input += "\n" + lines[next]
                    next += 1
                }
            }
            if name == "Final Answer" || name == "final_answer" { return .answer(input.trimmingCharacters(in: .whitespacesAndNewlines)) }
            guard tools.contains(name) else {
                return .malformed("the model called `\(name)`, which is not one of the tools: \(tools.sorted().joined(separator: ", "))")
            }
            let candidate = Self.jsonCandidates(in: input).first ?? input
            guard let arguments = Self.argumentsObject(Self.readLoosely(candidate) ?? (input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? .null : .bool(false))) else {
                return .malformed("the input of `\(name)` is not a JSON object: \(Self.clip(input))")
            }
            calls.append(ToolCall(id: ToolCall.synthesizedID(index: calls.count, seed: text), name: name, arguments: arguments.jsonText))
            index = next
        }
        return calls.isEmpty ? nil : .toolCalls(calls)
    }

    // MARK: Finding JSON in text

    /// The balanced `{…}` and `[…]` spans of a text, outermost first, in order; code fences are looked into.
    static func jsonCandidates(in text: String) -> [String] {
        let characters = Array(text)
        var spans: [String] = []
        var index = 0
        while index < characters.count {
            let opener = characters[index]
            guard opener == "{" || opener == "[" else {
                index += 1
                continue
            }
            if let end = balancedEnd(characters, from: index) {
                spans.append(String(characters[index...end]))
                index = end + 1
            } else {
                // Unbalanced: the rest, for the loose reader to try (a model cut short).
                spans.append(String(characters[index...]))
                break
            }
        }
        return spans
    }

    /// Where the bracket at `start` closes, minding strings in either quote.
    private static func balancedEnd(_ characters: [Character], from start: Int) -> Int? {
        var depth = 0
        var quote: Character?
        var escaped = false
        for index in start..<characters.count {
            let character = characters[index]
            if let open = quote {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case "{", "[": depth += 1
            case "}", "]":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }

    /// JSON as written, else with Python's spellings turned into JSON's (single quotes, True/False/None, trailing
    /// commas).
    static func readLoosely(_ text: String) -> JSONValue? {
        if let value = try? JSONValue(parsing: text) { return value }
        let repaired = pythonToJSON(text)
        return try? JSONValue(parsing: repaired)
    }

    private static func pythonToJSON(_ text: String) -> String {
        var output = ""
        var quote: Character?
        var escaped = false
        var word = ""
        func flushWord() {
            switch word {
            case "True": output += "true"
            case "False": output += "false"
            case "None": output += "null"
            default: output += word
            }
            word = ""
        }
        for character in text {
            if let open = quote {
                if escaped {
                    escaped = false
                    output.append(character == "'" && open == "'" ? "'" : character)
                    continue
                }
                if character == "\\" {
                    escaped = true
                    // An escaped single quote inside single quotes is just a quote in JSON.
                    continue
                }
                if character == open {
                    quote = nil
                    output.append("\"")
                } else if character == "\"" {
                    output += "\\\""
                } else {
                    output.append(character)
                }
                continue
            }
            if character.isLetter {
                word.append(character)
                continue
            }
            flushWord()
            switch character {
            case "'", "\"":
                quote = character
                output.append("\"")
            default:
                output.append(character)
            }
        }
        flushWord()
        // Trailing commas before a closing bracket.
        return output.replacingOccurrences(of: #",\s*([}\]])"#, with: "$1", options: .regularExpression)
    }

    /// The complete objects inside an action's `tool_calls` list when the action itself was cut before its end.
    private static func wholeCalls(inCutAction text: String) -> [JSONValue] {
        guard let key = text.range(of: "tool_calls"), let open = text[key.upperBound...].firstIndex(of: "[") else { return [] }
        let inner = String(text[text.index(after: open)...])
        return jsonCandidates(in: inner).compactMap { candidate in
            guard let value = readLoosely(candidate), case .object = value else { return nil }
            return value
        }
    }

    // MARK: Small helpers

    private static func mentionsAction(_ text: String) -> Bool {
        ["tool_calls", "\"name\"", "'name'", "arguments", "\"tool\""].contains { text.contains($0) }
    }

    private static func after(_ marker: String, in text: String) -> String? {
        guard let range = text.range(of: marker) else { return nil }
        return text[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func withoutFences(_ text: String) -> String {
        guard text.hasPrefix("```"), text.hasSuffix("```"), text.count >= 6 else { return text }
        var inner = text.dropFirst(3).dropLast(3)
        if let newline = inner.firstIndex(of: "\n") { inner = inner[inner.index(after: newline)...] }
        return inner.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func clip(_ text: String) -> String {
        text.count > 120 ? String(text.prefix(120)) + "…" : text
    }
}
