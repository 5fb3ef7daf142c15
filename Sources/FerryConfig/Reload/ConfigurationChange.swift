import FerryCore

/// What a new reading of the configuration changes for a running `ferry serve`, worked out before anything is
/// applied: the routes as they become, the backends to build anew (added, or changed in any field), those kept as
/// they run (their providers, connections, circuits and discovered replicas), those removed, and the changed
/// settings a reload does not apply (the port, keys, cache, documents…: they take effect on a restart).
///
/// A backend Ferry launches (`launch:`) or discovers through `dns://` cannot be added, changed or removed by a
/// reload: its process or its discovery is a service of its own. Such a change refuses the whole reload, and the
/// running configuration stays.
///
/// ```swift
/// let change = try ConfigurationChange.between(running, reread)
/// try await RouterFactory.apply(change, to: router, http: http)
/// ```
public struct ConfigurationChange: Sendable {
    public let routes: [FerryConfiguration.RouteSpec]
    public let built: [FerryConfiguration.Backend]
    public let kept: [FerryConfiguration.Backend]
    public let removed: [String]
    /// Keys (dotted, as in the file) whose new values wait for a restart.
    public let restartOnly: [String]

    /// Whether anything a reload applies has changed.
    public var changesRouting: Bool { !built.isEmpty || !removed.isEmpty || routesChanged }
    private let routesChanged: Bool

    public static func between(_ old: FerryConfiguration, _ new: FerryConfiguration) throws(FerryError) -> ConfigurationChange {
        let before = Dictionary(old.backends.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Set(new.backends.map(\.name))
        var built: [FerryConfiguration.Backend] = []
        var kept: [FerryConfiguration.Backend] = []
        for backend in new.backends {
            if let running = before[backend.name], running == backend {
                kept.append(backend)
                continue
            }
            if let fixed = before[backend.name].flatMap(Self.fixedKind) ?? Self.fixedKind(backend) {
                throw refusal("backend \(backend.name) is \(fixed), and \(before[backend.name] == nil ? "was added" : "changed")")
            }
            built.append(backend)
        }
        let removed = old.backends.map(\.name).filter { !after.contains($0) }
        for name in removed {
            if let backend = before[name], let fixed = Self.fixedKind(backend) { throw refusal("backend \(name) is \(fixed), and was removed") }
        }
        let restartOnly = Set(old.fileValues.keys).union(new.fileValues.keys)
            .filter { old.fileValues[$0] != new.fileValues[$0] && !Self.applied($0) }
            .sorted()
        return ConfigurationChange(
            routes: new.routes, built: built, kept: kept, removed: removed, restartOnly: restartOnly,
            routesChanged: old.routes.map(Self.routing) != new.routes.map(Self.routing)
        )
    }

    /// Why a backend cannot change by a reload, if it cannot.
    private static func fixedKind(_ backend: FerryConfiguration.Backend) -> String? {
        if backend.launch != nil { return "launched by Ferry (launch:)" }
        if backend.urls.contains(where: { DNSName($0) != nil }) { return "discovered through dns://" }
        return nil
    }

    /// Keys a reload applies: backends, and routes' routing (not their `rag` or `cache`, read at start).
    private static func applied(_ key: String) -> Bool {
        if key.hasPrefix("backends.") { return true }
        guard key.hasPrefix("routes.") else { return false }
        let parts = key.split(separator: ".")
        return parts.count < 3 || (parts[2] != "rag" && parts[2] != "cache")
    }

    /// What of a route the router uses.
    private static func routing(_ route: FerryConfiguration.RouteSpec) -> String {
        "\(route.name) \(route.aliases) \(route.backends) \(route.strategy) \(route.retry) \(route.timeouts) \(String(describing: route.loadFactor))"
    }

    private static func refusal(_ what: String) -> FerryError {
        FerryError(
            code: .configuration,
            message: "The configuration was not reloaded: \(what)",
            hint: "restart ferry serve to add, change or remove launched and dns:// backends; the running configuration stays until then"
        )
    }
}
