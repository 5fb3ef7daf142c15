/// The `keys:` settings: where keys made at run time (`ferry keys`) and usage (`ferry usage`) are kept, and whether
/// each key's name labels its request count.
///
/// ```yaml
/// keys:
///   store: sqlite        # sqlite (access.sqlite in the data folder; the default) | postgres (tables ferry_keys,
///                        #   ferry_usage, ferry_key_load: shared by replicas, whose limits then count each other)
///   postgres:
///     url: postgres://ferry:secret@db:5432/ferry   # keys.store defaults to postgres when this is set
///   metrics_label: false # ferry_key_requests_total{key="NAME"}: one series per key
/// ```
public struct KeysConfiguration: Sendable, Hashable {
    public enum Store: String, Sendable, Hashable, CaseIterable {
        case sqlite
        case postgres
    }

    public var store: Store
    public var sqlitePath: String
    public var postgresURL: String?
    public var metricsLabel: Bool

    public init(store: Store = .sqlite, sqlitePath: String, postgresURL: String? = nil, metricsLabel: Bool = false) {
        self.store = store
        self.sqlitePath = sqlitePath
        self.postgresURL = postgresURL
        self.metricsLabel = metricsLabel
    }

    /// Where the store is, for messages.
    public var storeDescription: String {
        switch store {
        case .sqlite: "sqlite (\(sqlitePath))"
        case .postgres: "postgres"
        }
    }
}
