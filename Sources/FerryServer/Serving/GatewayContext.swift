import FerryAccess
import Hummingbird

/// The request context of the gateway's routes: Hummingbird's storage, when the request arrived (for
/// `x-ferry-overhead-ms`), and its key's pass.
public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let received: ContinuousClock.Instant
    /// The request's hold on its key, when keys are on (``AccessMiddleware``): the handlers check the route and
    /// note what was used.
    public var pass: AccessPass?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        received = .now
    }

    /// Request bodies up to 32 MiB; larger ones get 413.
    public var maxUploadSize: Int { Self.maxUploadSize }
    static let maxUploadSize = 32 << 20
}
