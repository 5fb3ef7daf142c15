import FerryAgent
import FerryCore
import Foundation

/// `ferry agent`'s output of a run: the `--debug` lines, and the `--json` transcript.
enum AgentTranscript {
    /// One event on standard error.
    static func debugLine(_ event: AgentEvent) -> String {
        switch event {
        case .asking(let step, let messages):
            let last = messages.last.map { "\($0.role.rawValue): \($0.text.prefix(200))" } ?? ""
            return "[step \(step)] request with \(messages.count) messages; last \(last)\n"
        case .thinking(let text):
            return "[thinking] \(text)\n"
        case .toolCall(let call):
            return "[tool call] \(call.id) \(call.name) \(call.arguments)\n"
        case .toolResult(let result):
            return "[tool result] \(result.callID) \(result.name) \(result.failed ? "FAILED " : "")in \(Int(result.duration.milliseconds)) ms: \(result.content.prefix(500))\n"
        case .usage(let usage):
            return "[usage] \(usage.promptTokens) prompt + \(usage.completionTokens) completion tokens\n"
        case .answer(let text):
            return "[answer] \(text)\n"
        }
    }

    /// The run as one JSON document: its steps, the answer or the error.
    static func json(_ events: [AgentEvent], answer: String?, error: String?) -> String {
        var steps: [JSONValue] = []
        var prompt = 0, completion = 0
        for event in events {
            switch event {
            case .usage(let usage):
                prompt += usage.promptTokens
                completion += usage.completionTokens
            case .asking(let step, let messages):
                steps.append(["type": "request", "step": .integer(Int64(step)), "messages": .integer(Int64(messages.count))])
            case .thinking(let text):
                steps.append(["type": "thinking", "text": .string(text)])
            case .toolCall(let call):
                steps.append(["type": "tool_call", "id": .string(call.id), "name": .string(call.name), "arguments": call.argumentsValue ?? .string(call.arguments)])
            case .toolResult(let result):
                steps.append(["type": "tool_result", "id": .string(result.callID), "name": .string(result.name), "content": .string(result.content),
                              "failed": .bool(result.failed), "milliseconds": .integer(Int64(result.duration.milliseconds))])
            case .answer(let text):
                steps.append(["type": "answer", "text": .string(text)])
            }
        }
        var document: [String: JSONValue] = ["steps": .array(steps), "usage": ["prompt_tokens": .integer(Int64(prompt)), "completion_tokens": .integer(Int64(completion))]]
        document["answer"] = answer.map(JSONValue.string) ?? .null
        if let error { document["error"] = .string(error) }
        return JSONValue.object(document).jsonText
    }
}
