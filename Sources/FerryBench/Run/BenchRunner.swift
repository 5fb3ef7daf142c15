import FerryCore
import FerryProviders

/// Drives the targets of a ``BenchPlan`` with streamed chat requests and measures every token's arrival.
///
/// ```swift
/// let report = try await BenchRunner(plan: plan, http: ProviderHTTPClient()).run { progress in
///     print(progress.done, "/", progress.total)
/// }
/// ```
public struct BenchRunner: Sendable {
    public let plan: BenchPlan
    public let http: ProviderHTTPClient

    public init(plan: BenchPlan, http: ProviderHTTPClient) {
        self.plan = plan
        self.http = http
    }

    public func run(progress: @escaping @Sendable (BenchProgress) -> Void = { _ in }) async throws(BenchError) -> BenchReport {
        try plan.validate()
        let started = ContinuousClock.now
        var clients: [(target: BenchTarget, model: any LanguageModel, name: String)] = []
        for target in plan.targets {
            let client = try makeClient(target)
            clients.append((target, client, try await servedModel(target, client: client)))
        }
        let prompts = try plan.prompts.prompts(count: plan.numRequests + plan.warmup, seed: plan.seed)
        let counter = Shared((done: 0, failed: 0))
        let total = plan.levels.count * plan.targets.count * plan.numRequests

        for client in clients where plan.warmup > 0 {
            _ = await drive(client.model, model: client.name, prompts: Array(prompts.suffix(plan.warmup)), indices: Array(0..<plan.warmup), level: .concurrency(plan.warmup), deadline: nil) { _ in }
        }

        var results: [LevelResult] = []
        var differences: [PairedDifference] = []
        let perRound = (plan.numRequests + plan.rounds - 1) / plan.rounds
        for level in plan.levels {
            var records: [String: [RequestRecord]] = [:]
            var elapsed: [String: Duration] = [:]
            for round in 0..<plan.rounds {
                let indices = Array((round * perRound)..<min((round + 1) * perRound, plan.numRequests))
                guard !indices.isEmpty else { continue }
                let order = round % 2 == 0 ? clients : clients.reversed()
                for client in order {
                    let roundStart = ContinuousClock.now
                    let deadline = plan.duration.map { roundStart + $0 / plan.rounds }
                    let measured = await drive(client.model, model: client.name, prompts: prompts, indices: indices, level: level, deadline: deadline) { record in
                        let now = counter.withLock { state in
                            state.done += 1
                            if !record.succeeded { state.failed += 1 }
                            return state
                        }
                        progress(BenchProgress(target: client.target.name, level: level, round: round + 1, rounds: plan.rounds, done: now.done, total: total, failed: now.failed))
                    }
                    elapsed[client.target.name, default: .zero] += ContinuousClock.now - roundStart
                    records[client.target.name, default: []].append(contentsOf: measured)
                }
            }
            for client in clients {
                let name = client.target.name
                results.append(LevelResult(target: name, level: level, records: records[name] ?? [], durationSeconds: (elapsed[name] ?? .zero).seconds, slo: plan.slo))
            }
            if let baseline = plan.baseline {
                for client in clients where client.target.name != baseline {
                    differences.append(PairedDifference(target: client.target.name, baseline: baseline, level: level, records: records[client.target.name] ?? [], baselineRecords: records[baseline] ?? []))
                }
            }
        }
        var targets = plan.targets
        for index in targets.indices { targets[index].model = clients[index].name }
        return BenchReport(plan: plan, targets: targets, results: results, differences: differences, wallSeconds: (ContinuousClock.now - started).seconds)
    }

    // MARK: Load

    /// Sends the prompts at `indices` under `level`, until done or `deadline`; `finished` sees each record.
    func drive(
        _ client: any LanguageModel, model: String, prompts: [BenchPrompt], indices: [Int], level: LoadLevel, deadline: ContinuousClock.Instant?,
        finished: @escaping @Sendable (RequestRecord) -> Void
    ) async -> [RequestRecord] {
        switch level {
        case .concurrency(let users):
            let next = Shared(0)
            return await withTaskGroup(of: [RequestRecord].self) { group in
                for _ in 0..<min(users, indices.count) {
                    group.addTask {
                        var mine: [RequestRecord] = []
                        while true {
                            if let deadline, ContinuousClock.now >= deadline { break }
                            let position = next.withLock { value in
                                defer { value += 1 }
                                return value
                            }
                            guard position < indices.count else { break }
                            let record = await send(client, model: model, prompt: prompts[indices[position]], index: indices[position])
                            finished(record)
                            mine.append(record)
                        }
                        return mine
                    }
                }
                return await group.reduce(into: []) { $0.append(contentsOf: $1) }
            }
        case .rate(let rate):
            let offsets = ArrivalSchedule(rate: rate, burstiness: plan.burstiness).offsets(count: indices.count, seed: plan.seed &+ UInt64(indices.first ?? 0))
            let start = ContinuousClock.now
            return await withTaskGroup(of: RequestRecord.self) { group in
                for (position, index) in indices.enumerated() {
                    let due = start + .nanoseconds(Int64(offsets[position] * 1e9))
                    if let deadline, due >= deadline { break }
                    try? await Task.sleep(until: due)
                    group.addTask {
                        let record = await send(client, model: model, prompt: prompts[index], index: index)
                        finished(record)
                        return record
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
    }

    /// One streamed chat, timed.
    func send(_ client: any LanguageModel, model: String, prompt: BenchPrompt, index: Int) async -> RequestRecord {
        var request = ChatRequest(model: model, messages: [.user(prompt.text)], includeUsage: true)
        request.sampling.maxTokens = prompt.maxTokens
        request.sampling.temperature = 0
        let clock = ContinuousClock()
        let started = clock.now
        func offset() -> Double { (clock.now - started).seconds * 1000 }
        var tokenTimes: [Double] = []
        tokenTimes.reserveCapacity(prompt.maxTokens)
        var usage: Usage?
        do {
            for try await event in try await client.streamChat(request) {
                switch event {
                case .textDelta(let text) where !text.isEmpty: tokenTimes.append(offset())
                case .toolCallDelta: tokenTimes.append(offset())
                case .finish(let finish): usage = finish.usage
                case .error(let error): throw error
                default: break
                }
            }
            return RequestRecord(
                promptIndex: index, ttft: tokenTimes.first, tokenTimes: tokenTimes, e2el: offset(),
                outputTokens: usage?.completionTokens ?? tokenTimes.count, inputTokens: usage?.promptTokens ?? prompt.inputTokens ?? 0
            )
        } catch let error as FerryError {
            return RequestRecord(promptIndex: index, ttft: tokenTimes.first, tokenTimes: tokenTimes, e2el: offset(), outputTokens: tokenTimes.count, error: error.message)
        } catch {
            return RequestRecord(promptIndex: index, ttft: tokenTimes.first, tokenTimes: tokenTimes, e2el: offset(), outputTokens: tokenTimes.count, error: "\(error)")
        }
    }

    // MARK: Targets

    private func makeClient(_ target: BenchTarget) throws(BenchError) -> any LanguageModel {
        do {
            switch target.dialect {
            case .ollama:
                return OllamaProvider(name: target.name, endpoint: try BackendEndpoint(target.url, versionSuffixes: OllamaProvider.versionSuffixes), http: http)
            case .openai:
                return OpenAICompatibleProvider(name: target.name, endpoint: try BackendEndpoint(target.url), flavor: .generic, apiKey: plan.apiKey, http: http)
            }
        } catch {
            throw BenchError("target \(target.name): \(error.description)")
        }
    }

    /// The model to ask `target` for: its own, the plan's, or the only one it serves.
    private func servedModel(_ target: BenchTarget, client: any LanguageModel) async throws(BenchError) -> String {
        if let model = target.model { return model }
        let served: [String]
        do {
            served = try await client.models().map(\.id)
        } catch let error as FerryError {
            throw BenchError("target \(target.name) (\(target.url)) cannot list its models: \(error.description)")
        } catch {
            throw BenchError("target \(target.name) (\(target.url)) cannot list its models: \(error)")
        }
        guard served.count == 1 else {
            throw BenchError(
                served.isEmpty
                    ? "target \(target.name) (\(target.url)) serves no model; load one, or name it with --model"
                    : "target \(target.name) serves \(served.count) models (\(served.joined(separator: ", "))): choose one with --model or model= in --target"
            )
        }
        return served[0]
    }
}
