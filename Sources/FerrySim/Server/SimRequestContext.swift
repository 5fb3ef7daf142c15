import Hummingbird
import NIOCore

/// The request context of FerrySim's routes: Hummingbird's core storage plus the connection, so a fault can
/// cut it.
public struct SimRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection this request arrived on.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Request bodies up to 32 MiB (long prompts, many embedding inputs).
    public var maxUploadSize: Int { 32 << 20 }
}
