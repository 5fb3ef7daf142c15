import FerryAccess
import FerryCore
import Foundation
import Hummingbird

extension Gateway {
    /// Keys and usage behind the admin key, as `ferry keys` and `ferry usage` give them: `GET /admin/keys`,
    /// `POST /admin/keys` (`{"name", "routes", "rpm", "tpm", "max_parallel", "expires"}` → `{"id", "name", "secret"}`,
    /// the secret shown this once), `POST /admin/keys/{key}/disable|enable|rotate`, `DELETE /admin/keys/{key}` (a
    /// key by name or id), `GET /admin/usage?key=&since=&by=route|model|day`. Changes apply here at once, and on
    /// other instances sharing the store within a second.
    func addKeyRoutes(to routes: Hummingbird.Router<GatewayContext>) {
        routes.get("/admin/keys") { [self] request, context in
            await serve(.openAI, context) {
                let store = try adminKeyStore(request)
                return try json(try await store.keys().map(KeySummaryJSON.init), context: context)
            }
        }
        routes.post("/admin/keys") { [self] request, context in
            await serve(.openAI, context) {
                let store = try adminKeyStore(request)
                let (key, secret) = try await decode(NewKey.self, from: request, context: context).make()
                do {
                    try await store.insert(key)
                } catch let error as AccessStoreError {
                    throw error.error
                }
                try await access.reload()
                var response = try json(KeySecretJSON(key, secret: secret), context: context)
                response.status = .created
                return response
            }
        }
        for action in ["disable", "enable", "rotate"] {
            routes.post("/admin/keys/{key}/\(action)") { [self] request, context in
                await serve(.openAI, context) {
                    let store = try adminKeyStore(request)
                    let name = context.parameters.get("key") ?? ""
                    guard var key = try await store.key(named: name) else { throw Self.noKey(name) }
                    var secret: String?
                    switch action {
                    case "disable": key.disabled = true
                    case "enable": key.disabled = false
                    default: (key, secret) = key.rotated()
                    }
                    try await store.update(key)
                    try await access.reload()
                    if let secret { return try json(KeySecretJSON(key, secret: secret), context: context) }
                    return try json(KeySummaryJSON(key), context: context)
                }
            }
        }
        routes.delete("/admin/keys/{key}") { [self] request, context in
            await serve(.openAI, context) {
                let store = try adminKeyStore(request)
                let name = context.parameters.get("key") ?? ""
                guard let key = try await store.key(named: name), try await store.delete(id: key.id) else { throw Self.noKey(name) }
                try await access.reload()
                return try json(KeySummaryJSON(key), context: context)
            }
        }
        routes.get("/admin/usage") { [self] request, context in
            await serve(.openAI, context) {
                let store = try adminKeyStore(request)
                let parameters = request.uri.queryParameters
                var query = UsageQuery(key: parameters.get("key"))
                if let since = parameters.get("since") { query.since = try NewKey.date(since, past: true, field: "since") }
                if let by = parameters.get("by") {
                    guard let grouping = UsageQuery.Grouping(rawValue: by) else { throw FerryError.invalidRequest("must be route, model or day, got \"\(by)\"", field: "by") }
                    query.by = grouping
                }
                await access.flush()
                return try json(UsageRow.grouped(try await store.usage(query), by: query.by), context: context)
            }
        }
    }

    /// The key store, once the admin key is checked.
    private func adminKeyStore(_ request: Request) throws -> any AccessStore {
        try checkAdmin(request)
        guard let store = access.store else {
            throw FerryError(code: .unsupported, message: "This gateway has no key store", hint: "ferry serve opens one (keys.store: sqlite or postgres)")
        }
        return store
    }

    static func noKey(_ name: String) -> FerryError {
        FerryError(code: .modelNotFound, message: "There is no key \(name)", hint: "GET /admin/keys lists them (by name and id)", httpStatus: 404)
    }
}
