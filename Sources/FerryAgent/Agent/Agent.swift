import FerryCore

/// An agent over any ``FerryCore/LanguageModel`` — a provider, or the router: it sends the conversation with the
/// tools' definitions, runs the calls the model makes (several at once when it asks for several), feeds the results
/// back and repeats until the model answers. Every step is an ``AgentEvent``; a tool's failure (an error, a time
/// limit, an unknown name) goes back to the model as its result, not thrown; a reply that cannot be read as an action
/// (a model with prompted tools: ``FerryProviders/PromptedToolModel``) is asked again, twice at most, with the reason.
/// The run fails, with what happened, past ``AgentLimits/maxSteps`` or ``AgentLimits/totalTimeout``.
///
/// ```swift
/// let agent = Agent(model: router, modelName: "default", tools: [add, weather])
/// for try await event in agent.run([.user("What is 2 + 3, and the weather in Paris?")]) {
///     if case .answer(let text) = event { print(text) }
/// }
/// ```
public struct Agent: Sendable {
    public let model: any LanguageModel
    public let modelName: String
    public let tools: [any Tool]
    public let limits: AgentLimits
    public let sampling: SamplingParameters
    /// The first turn's `tool_choice` (later turns leave the choice to the model): `.required` makes a model that
    /// would rather answer from memory — a small one — start with a tool.
    public let firstToolChoice: ToolChoice?

    public init(
        model: any LanguageModel, modelName: String, tools: [any Tool], limits: AgentLimits = AgentLimits(), sampling: SamplingParameters = SamplingParameters(),
        firstToolChoice: ToolChoice? = nil
    ) {
        self.model = model
        self.modelName = modelName
        self.tools = tools
        self.limits = limits
        self.sampling = sampling
        self.firstToolChoice = firstToolChoice
    }

    /// The run's events, ending with ``AgentEvent/answer(_:)``; the stream throws when the run fails.
    public func run(_ conversation: [ChatMessage]) -> AsyncThrowingStream<AgentEvent, any Error> {
        let (events, continuation) = AsyncThrowingStream.makeStream(of: AgentEvent.self)
        let run = AgentRun(agent: self, conversation: conversation, emit: { continuation.yield($0) })
        let task = Task {
            do {
                _ = try await run.perform()
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return events
    }

    /// The answer to `task`, and every event on the way.
    public func answer(_ task: String, system: String? = nil) async throws -> (answer: String, events: [AgentEvent]) {
        var events: [AgentEvent] = []
        var answer = ""
        for try await event in run((system.map { [ChatMessage.system($0)] } ?? []) + [.user(task)]) {
            events.append(event)
            if case .answer(let text) = event { answer = text }
        }
        return (answer, events)
    }
}
