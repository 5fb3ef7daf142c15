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
        (401, FerryError.Code.unauthorized, false), (403, .unauthorized, false), (404, .modelNotFound, true),
        (408, .timeout, true), (413, .payloadTooLarge, false), (422, .badRequest, false), (429, .rateLimited, true),
        (500, .upstreamFailure, true), (502, .upstreamFailure, true), (503, .upstreamFailure, true),
    ])
    func classifiesStatus(status: Int, code: FerryError.Code, retryable: Bool) {
        let error = FerryError.upstream(status: status, message: "x", location: ErrorLocation(backend: "b"))
        #expect(error.code == code)
        #expect(error.isRetryable == retryable)
        #expect(error.httpStatus == status)
        #expect(!error.hint.isEmpty)
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
