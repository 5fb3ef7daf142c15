import FerryCore

extension FerryError {
    /// The HTTP status a server answers this error with.
    public var responseStatus: Int {
        switch code {
        case .badRequest, .rejected: httpStatus.flatMap { (400..<500).contains($0) ? $0 : nil } ?? 400
        case .unauthorized: httpStatus == 403 ? 403 : 401
        case .modelNotFound: 404
        case .payloadTooLarge: 413
        case .rateLimited: 429
        case .unsupported: 501
        case .timeout: 504
        case .connectionFailed, .upstreamFailure, .invalidResponse, .streamInterrupted: 502
        case .configuration: 500
        case .cancelled: 499
        }
    }
}
