import Hummingbird

/// The request context of the gateway's routes: Hummingbird's storage and when the request arrived (for
/// `x-ferry-overhead-ms`).
public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let received: ContinuousClock.Instant

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        received = .now
    }

    /// Request bodies up to 32 MiB; larger ones get 413.
    public var maxUploadSize: Int { Self.maxUploadSize }
    static let maxUploadSize = 32 << 20
}
