import Hummingbird

/// The request context of the gateway's routes.
public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Request bodies up to 32 MiB; larger ones get 413.
    public var maxUploadSize: Int { 32 << 20 }
}
