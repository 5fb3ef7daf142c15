import FerryCore

/// A backend whose chat requests can be sent from an event loop without Swift concurrency: the gateway's inline
/// path asks it for an ``InlineChatCall`` and starts it on the loop of the client's connection.
public protocol InlineChatBackend: Sendable {
    /// The call for `request` (its model already named as this backend wants it), or nil when sending it needs
    /// what only the async path does — asking the server which model `auto` is.
    func inlineChat(_ request: ChatRequest, stream: Bool) throws -> InlineChatCall?

    /// `error` completed with what the async path adds (for an unknown model: the models the backend serves).
    func diagnosed(_ error: FerryError, model: String) async -> FerryError
}
