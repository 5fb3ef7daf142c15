@testable import FerryAgent
import FerryCore
import FerryProviders
import FerrySim
import Foundation
import Synchronization
import Testing

/// The agent loop against FerrySim on loopback (which answers with a call to each tool a question names, then with
/// text once it has the results) and against scripted models for what FerrySim does not do.
@Suite("Agent loop")
struct AgentTests {
    /// Counts calls in progress, to see calls overlap.
    final class Overlap: Sendable {
        private let state = Mutex((now: 0, most: 0))
        func enter() { state.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
        func leave() { state.withLock { $0.now -= 1 } }
        var most: Int { state.withLock { $0.most } }
    }

    static let numbers: JSONValue = ["type": "object", "properties": ["a": ["type": "number"], "b": ["type": "number"]], "required": ["a", "b"]]

    /// A model that answers from a script, one reply per turn, and records what it was sent.
    final class Scripted: LanguageModel, Sendable {
        let name = "scripted"
        private let replies: Mutex<[ChatMessage]>
        let asked = Mutex<[ChatRequest]>([])
        init(_ replies: [ChatMessage]) { self.replies = Mutex(replies) }
        func chat(_ request: ChatRequest) async throws -> ChatResponse {
            asked.withLock { $0.append(request) }
            let reply = replies.withLock { $0.isEmpty ? ChatMessage.assistant("done") : $0.removeFirst() }
            return ChatResponse(id: "r", model: "scripted", created: 0, message: reply, finishReason: reply.toolCalls.isEmpty ? .stop : .toolCalls, usage: nil)
        }
        func streamChat(_ request: ChatRequest) async throws -> ChatEventStream { throw FerryError(code: .unsupported, message: "", hint: "") }
        func complete(_ request: CompletionRequest) async throws -> CompletionResponse { throw FerryError(code: .unsupported, message: "", hint: "") }
        func streamComplete(_ request: CompletionRequest) async throws -> ChatEventStream { throw FerryError(code: .unsupported, message: "", hint: "") }
        func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse { throw FerryError(code: .unsupported, message: "", hint: "") }
        func models() async throws -> [ModelInfo] { [] }
        func health() async -> HealthReport { HealthReport(backend: name, url: "", status: .healthy) }
    }

    private func call(_ name: String, _ arguments: String = "{}", id: String = "c") -> ToolCall {
        ToolCall(id: id, name: name, arguments: arguments)
    }

    @Test("FerrySim asks for two tools at once: both run at the same time, their results go back, the answer follows")
    func parallelCallsAgainstFerrySim() async throws {
        var configuration = SimConfiguration.instant(dialect: .vllm)
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let http = ProviderHTTPClient()
        try await SimServer(configuration: configuration).withRunning { port in
            let url = "http://127.0.0.1:\(port)/v1"
            let overlap = Overlap()
            let slow: @Sendable (JSONValue) async throws -> String = { _ in
                overlap.enter()
                defer { overlap.leave() }
                try await Task.sleep(for: .milliseconds(200))
                return "5"
            }
            let agent = Agent(
                model: OpenAICompatibleProvider(name: "sim", endpoint: try BackendEndpoint(url), http: http),
                modelName: "demo",
                tools: [ClosureTool(name: "add", description: "a + b", parameters: Self.numbers, slow), ClosureTool(name: "get_weather", description: "weather", slow)]
            )
            let (answer, events) = try await agent.answer("Please add the numbers and get_weather for Paris")
            let calls = events.compactMap { if case .toolCall(let call) = $0 { call.name } else { nil } }
            #expect(calls.sorted() == ["add", "get_weather"])
            #expect(overlap.most == 2)
            let results = events.compactMap { if case .toolResult(let result) = $0 { result } else { nil } }
            #expect(results.count == 2 && results.allSatisfy { !$0.failed && $0.content == "5" })
            #expect(!answer.isEmpty)
            // The second turn carried both results.
            let asked = events.compactMap { if case .asking(let step, let messages) = $0 { (step, messages) } else { nil } }
            #expect(asked.map(\.0) == [1, 2])
            #expect(asked[1].1.filter { $0.role == .tool }.count == 2)
        }
        try await http.shutdown()
    }

    @Test("a tool's error, a tool too slow, an unknown tool and a huge result go back to the model as results")
    func toolFailuresAreResults() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "the disk is full" } }
        let model = Scripted([
            .assistant("", toolCalls: [call("fails", id: "1"), call("sleeps", id: "2"), call("nope", id: "3"), call("huge", id: "4"), call("add", "not json", id: "5")]),
            .assistant("All done."),
        ])
        let agent = Agent(model: model, modelName: "m", tools: [
            ClosureTool(name: "fails", description: "") { _ in throw Broken() },
            ClosureTool(name: "sleeps", description: "") { _ in try await Task.sleep(for: .seconds(30)); return "late" },
            ClosureTool(name: "huge", description: "") { _ in String(repeating: "x", count: 100_000) },
            ClosureTool(name: "add", description: "", parameters: Self.numbers) { _ in "3" },
        ], limits: AgentLimits(toolTimeout: .milliseconds(200), maxResultBytes: 1000))
        let (answer, events) = try await agent.answer("go")
        #expect(answer == "All done.")
        let results = Dictionary(uniqueKeysWithValues: events.compactMap { if case .toolResult(let result) = $0 { (result.callID, result) } else { nil } })
        #expect(results["1"]?.failed == true && results["1"]?.content == "Error: the disk is full")
        #expect(results["2"]?.failed == true && results["2"]?.content.contains("did not answer within") == true)
        #expect(results["3"]?.failed == true && results["3"]?.content.contains("there is no tool named nope") == true)
        #expect(results["4"]?.failed == false && results["4"]?.content.hasSuffix("[… the result was cut: 1000 of 100000 bytes shown]") == true)
        #expect(results["5"]?.failed == true && results["5"]?.content.contains("not valid JSON") == true)
        // The model saw the results in the order of its calls.
        let second = try #require(model.asked.withLock { $0.last })
        #expect(second.messages.filter { $0.role == .tool }.map(\.toolCallID) == ["1", "2", "3", "4", "5"])
    }

    @Test("a model that keeps calling tools stops at the step limit with a clear error")
    func stepLimit() async throws {
        let model = Scripted(Array(repeating: .assistant("", toolCalls: [call("add", #"{"a":1,"b":1}"#)]), count: 10))
        let agent = Agent(model: model, modelName: "m", tools: [ClosureTool(name: "add", description: "", parameters: Self.numbers) { _ in "2" }], limits: AgentLimits(maxSteps: 3))
        await #expect {
            _ = try await agent.answer("loop forever")
        } throws: { error in
            (error as? FerryError)?.message == "The agent was still calling tools after 3 steps"
        }
        #expect(model.asked.withLock { $0.count } == 3)
    }

    @Test("a run past its total time fails with the limit")
    func totalTimeout() async throws {
        let model = Scripted(Array(repeating: .assistant("", toolCalls: [call("wait")]), count: 10))
        let agent = Agent(model: model, modelName: "m", tools: [ClosureTool(name: "wait", description: "") { _ in try await Task.sleep(for: .milliseconds(150)); return "ok" }],
                          limits: AgentLimits(maxSteps: 50, totalTimeout: .milliseconds(400)))
        await #expect {
            _ = try await agent.answer("wait")
        } throws: { error in
            (error as? FerryError)?.code == .timeout
        }
    }

    @Test("prompted tools: an unreadable action is asked again with the reason; then the call and the answer")
    func promptedRepair() async throws {
        let text = Scripted([
            .assistant(#"{"tool_calls": [{"name": "add", "arguments": {"a": 2, "b": 3}"#),
            .assistant("```json\n{\"name\": \"add\", \"arguments\": {\"a\": 2, \"b\": 3}}\n```"),
            .assistant("The sum is 5."),
        ])
        let agent = Agent(model: PromptedToolModel(wrapping: text, constrained: false), modelName: "m",
                          tools: [ClosureTool(name: "add", description: "a + b", parameters: Self.numbers) { arguments in
                              String(Int((arguments["a"]?.doubleValue ?? 0) + (arguments["b"]?.doubleValue ?? 0)))
                          }])
        let (answer, events) = try await agent.answer("What is 2 + 3?")
        #expect(answer == "The sum is 5.")
        #expect(events.contains { if case .toolResult(let result) = $0 { result.content == "5" } else { false } })
        let asked = text.asked.withLock { $0 }
        #expect(asked.count == 3 && asked.allSatisfy { $0.tools.isEmpty })
        #expect(asked[1].messages.last?.text.hasPrefix("Your last reply could not be read as a tool call") == true)
        #expect(asked[2].messages.last?.text.hasPrefix("Result of `add` (call ") == true && asked[2].messages.last?.text.contains("):\n5\n") == true)
    }
}

@Suite("Agent run state machine")
struct AgentRunStateMachineTests {
    typealias Machine = AgentRun.StateMachine

    @Test("ask, call, ask again after the last result, finish")
    func happyPath() {
        var machine = Machine(maxSteps: 4)
        #expect(machine.start() == .ask(step: 1))
        let calls = [ToolCall(id: "a", name: "x", arguments: "{}"), ToolCall(id: "b", name: "y", arguments: "{}")]
        #expect(machine.answered(.assistant("", toolCalls: calls)) == .callTools(calls))
        let result = ToolResult(callID: "b", name: "y", content: "", failed: false, duration: .zero)
        #expect(machine.toolFinished(1, result) == .none)
        #expect(machine.toolFinished(1, result) == .none)      // reported twice: ignored
        #expect(machine.toolFinished(0, result) == .ask(step: 2))
        #expect(machine.answered(.assistant("done")) == .finish("done"))
        #expect(machine.timedOut() == .none)
    }

    @Test("calls at the last step fail; unreadable replies are asked again twice, then fail; a deadline fails")
    func limits() {
        var machine = Machine(maxSteps: 1)
        _ = machine.start()
        #expect(machine.answered(.assistant("", toolCalls: [ToolCall(id: "a", name: "x", arguments: "{}")])) == .fail(.stepLimit(1)))
        var repairing = Machine(maxSteps: 10)
        _ = repairing.start()
        #expect(repairing.unreadable("bad") == .askAgain(step: 2, because: "bad"))
        #expect(repairing.unreadable("bad") == .askAgain(step: 3, because: "bad"))
        #expect(repairing.unreadable("still bad") == .fail(.unreadable("still bad")))
        var late = Machine(maxSteps: 10)
        _ = late.start()
        #expect(late.timedOut() == .fail(.timedOut))
        #expect(late.answered(.assistant("too late")) == .none)
    }
}
