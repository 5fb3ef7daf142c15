import FerryCore
import Testing

@Suite("FerryError")
struct FerryErrorTests {
    @Test("a model-not-found error names the model, the served models, where, and what to try")
    func modelNotFoundTeaches() {
        let location = ErrorLocation(backend: "vllm", url: "http://127.0.0.1:8000/v1/chat/completions")
        let error = FerryError.modelNotFound(requested: "qwen", served: ["Qwen/Qwen2.5-1.5B-Instruct"], location: location)
        #expect(error.code == .modelNotFound)
        #expect(error.location.model == "qwen")
        #expect(error.servedModels == ["Qwen/Qwen2.5-1.5B-Instruct"])
        #expect(error.description.contains("`qwen`"))
        #expect(error.description.contains("backend \"vllm\""))
        #expect(error.description.contains("http://127.0.0.1:8000/v1/chat/completions"))
        #expect(error.hint.contains("Qwen/Qwen2.5-1.5B-Instruct"))
    }

    @Test("upstream statuses are classified", arguments: [
        (401, FerryError.Code.unauthorized, FerryError.Retry.elsewhere), (403, .unauthorized, .elsewhere), (404, .modelNotFound, .elsewhere),
        (400, .rejected, .elsewhere), (408, .timeout, .anywhere), (409, .upstreamFailure, .anywhere), (413, .payloadTooLarge, .elsewhere),
        (422, .rejected, .elsewhere), (425, .upstreamFailure, .anywhere), (429, .rateLimited, .anywhere), (500, .upstreamFailure, .anywhere),
        (501, .rejected, .elsewhere), (502, .upstreamFailure, .anywhere), (503, .upstreamFailure, .anywhere),
    ])
    func classifiesStatus(status: Int, code: FerryError.Code, retry: FerryError.Retry) {
        let error = FerryError.upstream(status: status, message: "x", location: ErrorLocation(backend: "b"))
        #expect(error.code == code)
        #expect(error.retry == retry)
        #expect(error.httpStatus == status)
        #expect(!error.hint.isEmpty)
    }

    @Test("a 5xx that says the request is unsupported is a refusal of the request, not a failure of the backend", arguments: [
        "tools param requires --jinja flag", "response_format type json_schema is not supported", "Unsupported parameter: logit_bias",
    ])
    func refusalIn5xx(message: String) {
        let error = FerryError.upstream(status: 500, message: message, location: ErrorLocation(backend: "local"))
        #expect(error.code == .rejected && error.retry == .elsewhere)
        #expect(error.description.contains(message), "the backend's own message reaches the caller")
        #expect(FerryError.upstream(status: 500, message: "CUDA out of memory", location: ErrorLocation()).retry == .anywhere)
    }

    @Test("Retry-After is kept and taught")
    func keepsRetryAfter() {
        let error = FerryError.upstream(status: 429, message: "slow down", location: ErrorLocation(), retryAfter: .seconds(2))
        #expect(error.retryAfter == .seconds(2))
        #expect(error.hint.contains("2000 ms"))
    }

    @Test("located fills only the unknown parts")
    func locatedKeepsKnownParts() {
        let error = FerryError.invalidRequest("bad", field: "model", location: ErrorLocation(backend: "a"))
        let located = error.located(ErrorLocation(backend: "b", url: "http://x", model: "m"))
        #expect(located.location == ErrorLocation(backend: "a", url: "http://x", model: "m"))
        #expect(located.message == "Invalid field `model`: bad")
    }
}
