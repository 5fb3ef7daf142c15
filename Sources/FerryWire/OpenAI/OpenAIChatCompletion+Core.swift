import FerryCore

extension OpenAIChatCompletion {
    /// The wire form of a core response.
    public init(_ response: ChatResponse) {
        self.init(
            id: response.id,
            created: response.created,
            model: response.model,
            choices: [Choice(index: 0, message: OpenAIMessage(response.message), finishReason: response.finishReason?.openAIValue)],
            usage: response.usage.map(OpenAIUsage.init)
        )
    }

    /// The core form of the first choice.
    public func chatResponse(location: ErrorLocation = ErrorLocation()) throws -> ChatResponse {
        guard let choice = choices.first else {
            throw FerryError.invalidResponse("a chat completion without choices", location: location)
        }
        var message = try choice.message.chatMessage(field: "choices[0].message")
        message.role = .assistant
        return ChatResponse(
            id: id, model: model, created: created, message: message,
            finishReason: choice.finishReason.map(FinishReason.init(openAIValue:)), usage: usage?.usage
        )
    }
}

extension OpenAICompletionRequest {
    /// The wire form of a core completion request.
    public init(_ request: CompletionRequest, stream: Bool) {
        self.init(model: request.model, prompt: request.prompt)
        suffix = request.suffix
        let sampling = request.sampling
        maxTokens = sampling.maxTokens
        temperature = sampling.temperature
        topP = sampling.topP
        topK = sampling.topK
        stop = sampling.stop.isEmpty ? nil : .many(sampling.stop)
        seed = sampling.seed
        presencePenalty = sampling.presencePenalty
        frequencyPenalty = sampling.frequencyPenalty
        self.stream = stream ? true : nil
        streamOptions = stream ? OpenAIStreamOptions(includeUsage: true) : nil
    }

    /// The core form; a prompt array must hold exactly one prompt.
    public func completionRequest() throws -> CompletionRequest {
        guard !model.isEmpty else { throw FerryError.invalidRequest("must name a model", field: "model") }
        let prompts = prompt.values
        guard prompts.count == 1 else {
            throw FerryError.invalidRequest("must be one prompt (batches of \(prompts.count) are not supported)", field: "prompt")
        }
        if let n, n != 1 { throw FerryError.invalidRequest("only n = 1 is supported, got \(n)", field: "n") }
        var sampling = SamplingParameters(
            temperature: temperature, topP: topP, topK: topK, maxTokens: maxTokens, stop: stop?.values ?? [],
            seed: seed, presencePenalty: presencePenalty, frequencyPenalty: frequencyPenalty
        )
        try OpenAIChatRequest.validate(&sampling)
        return CompletionRequest(
            model: model, prompt: prompts[0], suffix: suffix, sampling: sampling,
            includeUsage: streamOptions?.includeUsage ?? false
        )
    }
}

extension OpenAICompletion {
    /// The wire form of a core completion.
    public init(_ response: CompletionResponse) {
        self.init(
            id: response.id, created: response.created, model: response.model,
            choices: [Choice(text: response.text, finishReason: response.finishReason?.openAIValue)],
            usage: response.usage.map(OpenAIUsage.init)
        )
    }

    /// The core form of the first choice.
    public func completionResponse(location: ErrorLocation = ErrorLocation()) throws -> CompletionResponse {
        if let error { throw OpenAIErrorBody(error: error).ferryError(status: 500, location: location) }
        guard let choice = choices?.first else {
            throw FerryError.invalidResponse("a completion without choices", location: location)
        }
        return CompletionResponse(
            id: id ?? "", model: model ?? "", created: created ?? 0, text: choice.text,
            finishReason: choice.finishReason.map(FinishReason.init(openAIValue:)), usage: usage?.usage
        )
    }
}

extension OpenAIEmbeddingRequest {
    /// The wire form of a core embedding request (floats, so any server can answer).
    public init(_ request: EmbeddingRequest) {
        self.init(model: request.model, input: request.inputs, encodingFormat: "float", dimensions: request.dimensions, inputType: request.inputType?.rawValue)
    }

    /// The core form.
    public func embeddingRequest() throws -> EmbeddingRequest {
        guard !model.isEmpty else { throw FerryError.invalidRequest("must name a model", field: "model") }
        let inputs = input.values
        guard !inputs.isEmpty else { throw FerryError.invalidRequest("must hold at least one text", field: "input") }
        if let format = encodingFormat, format != "float", format != "base64" {
            throw FerryError.invalidRequest("must be float or base64, got \"\(format)\"", field: "encoding_format")
        }
        var inputType: EmbeddingInputType?
        if let type = self.inputType {
            guard let known = EmbeddingInputType(rawValue: type) else {
                throw FerryError.invalidRequest("must be query or passage, got \"\(type)\"", field: "input_type")
            }
            inputType = known
        }
        return EmbeddingRequest(model: model, inputs: inputs, dimensions: dimensions, inputType: inputType)
    }
}

extension OpenAIEmbeddingResponse {
    /// The wire form of a core embedding response in `format` (`float` or `base64`).
    public init(_ response: EmbeddingResponse, format: String?) {
        self.init(
            object: "list",
            data: response.embeddings.enumerated().map { index, vector in
                Item(object: "embedding", index: index, embedding: OpenAIEmbeddingVector(vector, format: format))
            },
            model: response.model,
            usage: response.usage.map { EmbeddingUsage(promptTokens: $0.promptTokens, totalTokens: $0.promptTokens) }
        )
    }

    /// The core form, vectors in input order.
    public func embeddingResponse() throws -> EmbeddingResponse {
        EmbeddingResponse(
            model: model,
            embeddings: try data.sorted { $0.index < $1.index }.map { try $0.embedding.floats() },
            usage: usage.map { Usage(promptTokens: $0.promptTokens, completionTokens: 0) }
        )
    }
}
