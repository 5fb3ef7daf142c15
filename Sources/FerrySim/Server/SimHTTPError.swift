import FerryCore
import FerryWire
import Foundation
import HTTPTypes
import Hummingbird

/// An error FerrySim answers with, in the body shape of the dialect it plays.
public struct SimHTTPError: HTTPResponseError {
    public var status: HTTPResponse.Status
    public var message: String
    public var dialect: SimDialect
    /// OpenAI's `param`: the field at fault.
    public var param: String?
    public var retryAfter: Duration?

    public init(_ status: HTTPResponse.Status, _ message: String, dialect: SimDialect, param: String? = nil, retryAfter: Duration? = nil) {
        self.status = status
        self.message = message
        self.dialect = dialect
        self.param = param
        self.retryAfter = retryAfter
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: Data
        switch dialect {
        case .vllm: body = try WireJSON.encode(OpenAIErrorBody(status: status.code, message: message, param: param))
        case .ollama: body = try WireJSON.encode(OllamaErrorBody(error: message))
        case .gemini: body = try WireJSON.encode(GeminiErrorBody(code: status.code, message: message))
        case .anthropic: body = try WireJSON.encode(AnthropicErrorBody(status: status.code, message: message))
        }
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter {
            headers[.retryAfter] = String(max(1, Int((retryAfter.seconds).rounded(.up))))
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// A request error from the wire layer, with the field it names.
    public static func badRequest(_ error: FerryError, dialect: SimDialect) -> SimHTTPError {
        var param: String?
        if error.message.hasPrefix("Invalid field `"), let end = error.message.dropFirst(15).firstIndex(of: "`") {
            param = String(error.message[error.message.index(error.message.startIndex, offsetBy: 15)..<end])
        }
        let message = dialect == .ollama && param == "model" ? "model is required" : error.message
        return SimHTTPError(.badRequest, message, dialect: dialect, param: param)
    }

    /// The dialect's answer for a model it does not serve.
    public static func modelNotFound(_ model: String, dialect: SimDialect) -> SimHTTPError {
        switch dialect {
        case .vllm:
            SimHTTPError(.notFound, "The model `\(model)` does not exist.", dialect: dialect, param: "model")
        case .ollama:
            SimHTTPError(.notFound, "model \"\(model)\" not found, try pulling it first", dialect: dialect)
        case .anthropic:
            SimHTTPError(.notFound, "model: \(model)", dialect: dialect)
        case .gemini:
            SimHTTPError(
                .notFound,
                "models/\(model) is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.",
                dialect: dialect
            )
        }
    }
}
