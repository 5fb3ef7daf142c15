/// Who a request is, once its key is accepted: a key made at run time, or one of the configuration's static keys
/// (which may use every route, without limits).
public struct KeyIdentity: Sendable, Hashable {
    /// The stored key's id, or `static-N` for the configuration's N-th key.
    public var id: String
    public var name: String
    /// The routes it may use; nil: every route.
    public var routes: Set<String>?
    public var limits: KeyLimits

    public init(id: String, name: String, routes: Set<String>?, limits: KeyLimits) {
        self.id = id
        self.name = name
        self.routes = routes
        self.limits = limits
    }

    public func mayUse(route: String) -> Bool {
        routes?.contains(route) ?? true
    }
}
