import FerryCore

/// One run of an ``Agent``: carries out what its ``StateMachine`` says — asks the model, runs tool calls in parallel
/// with their time limit, keeps the conversation — and reports each step.
final class AgentRun: Sendable {
    private let agent: Agent
    private let conversation: [ChatMessage]
    private let emit: @Sendable (AgentEvent) -> Void

    init(agent: Agent, conversation: [ChatMessage], emit: @escaping @Sendable (AgentEvent) -> Void) {
        self.agent = agent
        self.conversation = conversation
        self.emit = emit
    }

    /// Runs to the answer, within the total time limit.
    func perform() async throws -> String {
        let limit = agent.limits.totalTimeout
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { try await self.loop() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let answer = first else {
                var machine = StateMachine(maxSteps: agent.limits.maxSteps)
                _ = machine.start()
                throw Self.error(for: machine.timedOut(), limits: agent.limits)
            }
            return answer
        }
    }

    private func loop() async throws -> String {
        var machine = StateMachine(maxSteps: agent.limits.maxSteps)
        var messages = conversation
        let definitions = agent.tools.map(\.definition)
        var action = machine.start()
        while true {
            switch action {
            case .ask(let step), .askAgain(let step, _):
                if case .askAgain(_, let reason) = action {
                    messages.append(.user("Your last reply could not be read as a tool call: \(reason). Reply again: only the JSON action, or a plain answer."))
                }
                emit(.asking(step: step, messages: messages))
                let choice = step == 1 && !definitions.isEmpty ? agent.firstToolChoice : nil
                let request = ChatRequest(model: agent.modelName, messages: messages, tools: definitions, toolChoice: choice, sampling: agent.sampling)
                do {
                    let answer = try await agent.model.chat(request)
                    if let usage = answer.usage { emit(.usage(usage)) }
                    if !answer.message.toolCalls.isEmpty, !answer.text.isEmpty { emit(.thinking(answer.text)) }
                    action = machine.answered(answer.message)
                    if case .callTools = action { messages.append(answer.message) }
                } catch let error as FerryError where error.code == .invalidResponse {
                    action = machine.unreadable(error.message)
                }
            case .callTools(let calls):
                for call in calls { emit(.toolCall(call)) }
                var results: [ToolResult?] = Array(repeating: nil, count: calls.count)
                action = .none
                await withTaskGroup(of: (Int, ToolResult).self) { group in
                    for (index, call) in calls.enumerated() {
                        group.addTask { (index, await self.call(call)) }
                    }
                    for await (index, result) in group {
                        emit(.toolResult(result))
                        results[index] = result
                        let next = machine.toolFinished(index, result)
                        if next != .none { action = next }
                    }
                }
                for result in results.compactMap({ $0 }) {
                    messages.append(.tool(callID: result.callID, name: result.name, content: result.content))
                }
            case .finish(let answer):
                emit(.answer(answer))
                return answer
            case .fail:
                throw Self.error(for: action, limits: agent.limits)
            case .none:
                preconditionFailure("AgentRun: the machine asked for nothing in a running loop")
            }
        }
    }

    /// One call: the tool's result, or its failure as text — within the tool time limit, cut to the size limit.
    private func call(_ call: ToolCall) async -> ToolResult {
        let clock = ContinuousClock()
        let started = clock.now
        func result(_ content: String, failed: Bool) -> ToolResult {
            ToolResult(callID: call.id, name: call.name, content: Self.cut(content, to: agent.limits.maxResultBytes), failed: failed, duration: clock.now - started)
        }
        guard let tool = agent.tools.first(where: { $0.definition.name == call.name }) else {
            return result("Error: there is no tool named \(call.name); the tools are \(agent.tools.map(\.definition.name).joined(separator: ", "))", failed: true)
        }
        guard let arguments = call.argumentsValue else {
            return result("Error: the arguments are not valid JSON: \(call.arguments)", failed: true)
        }
        let limit = agent.limits.toolTimeout
        do {
            let content = try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask { try await tool.call(arguments) }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let content = first else {
                    throw FerryError(code: .timeout, message: "the tool did not answer within \(limit)", hint: "")
                }
                return content
            }
            return result(content, failed: false)
        } catch let error as FerryError {
            return result("Error: \(error.message)", failed: true)
        } catch {
            return result("Error: \(error)", failed: true)
        }
    }

    /// `text` within `limit` bytes (cut at a character), with a note of what was left out.
    static func cut(_ text: String, to limit: Int) -> String {
        let bytes = text.utf8.count
        guard bytes > limit else { return text }
        var kept = Substring(text).utf8.prefix(limit)
        while String(kept) == nil { kept = kept.dropLast() }
        return String(kept)! + "\n[… the result was cut: \(kept.count) of \(bytes) bytes shown]"
    }

    private static func error(for action: StateMachine.Action, limits: AgentLimits) -> FerryError {
        switch action {
        case .fail(.stepLimit(let steps)):
            return FerryError(code: .rejected, message: "The agent was still calling tools after \(steps) steps", hint: "raise the step limit (--max-steps), or make the task smaller")
        case .fail(.unreadable(let reason)):
            return FerryError(code: .invalidResponse, message: "The model's replies could not be read as tool calls: \(reason)", hint: "use a model with native tool calling, or fewer and simpler tools")
        default:
            return FerryError(code: .timeout, message: "The agent did not finish within \(limits.totalTimeout)", hint: "raise the time limit, or make the task smaller")
        }
    }
}
