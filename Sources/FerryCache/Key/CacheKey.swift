import Crypto
import FerryCore
import Foundation

/// What a cached answer is found by: the SHA-256 of a request's normalised form — the route that serves it, the
/// tenant (with API keys, one tenant never gets another's answers) and everything that shapes the answer, but
/// not whether it is streamed — so a whole answer can be replayed as a stream and the reverse.
///
/// ```swift
/// let key = try CacheKey.chat(request, route: "default", tenant: nil)
/// ```
public struct CacheKey: Sendable, Hashable, CustomStringConvertible {
    /// 64 hexadecimal digits.
    public let digest: String
    /// The route, kept beside the digest so that a route's entries can be cleared.
    public let route: String

    public var description: String { "\(route)/\(digest.prefix(12))" }

    /// The key of a stored entry, from its digest (the semantic cache's matches).
    public init(digest: String, route: String) {
        self.digest = digest
        self.route = route
    }

    /// The key of anything by its canonical JSON (sorted keys), in the same ``CanonicalForm`` as a chat's.
    init(route: String, kind: String, tenant: String?, canonical: some Encodable) throws {
        var form = CanonicalForm(capacity: 256)
        form.string(kind)
        form.string(route)
        form.string(tenant)
        try form.json(canonical)
        digest = form.digest()
        self.route = route
    }

    /// A chat: messages, tools, tool choice, sampling (stop and seed included) and response format; not the stream
    /// flag, whether usage is sent at the end of a stream, nor the end-user id. Written field by field
    /// (``CanonicalForm``): the key of every cache hit is made here.
    public static func chat(_ request: ChatRequest, route: String, tenant: String?) throws -> CacheKey {
        try CacheKey(digest: canonical("chat", request, route: route, tenant: tenant).digest(), route: route)
    }

    /// The semantic cache's context of a single-question chat: everything but the question — the system prompt,
    /// tools, tool choice, sampling, response format — so a similar question matches only under the same context.
    /// Nil for anything else: a conversation's answer depends on more than its last question.
    public static func semanticContext(_ request: ChatRequest, route: String, tenant: String?) throws -> (context: CacheKey, question: String)? {
        let users = request.messages.filter { $0.role == .user }
        guard users.count == 1, request.messages.allSatisfy({ $0.role == .user || $0.role == .system }), users[0].images.isEmpty else { return nil }
        var normal = request
        normal.messages = request.messages.filter { $0.role == .system }
        return (try CacheKey(digest: canonical("semantic", normal, route: route, tenant: tenant).digest(), route: route), users[0].text)
    }

    /// The fields of ``FerryCore/ChatRequest`` (and of the types it holds) that its canonical form writes, or leaves
    /// out on purpose; a test checks them against the types' stored properties, so that a field added later is
    /// not silently left out of the key.
    static let chatFields: [String: Set<String>] = [
        "ChatRequest": ["model", "messages", "tools", "toolChoice", "sampling", "responseFormat", "includeUsage", "user"],
        "ChatMessage": ["role", "content", "toolCalls", "toolCallID", "name"],
        "ImageSource": ["url", "detail"],
        "ToolCall": ["id", "name", "arguments"],
        "SamplingParameters": ["temperature", "topP", "topK", "maxTokens", "stop", "seed", "presencePenalty", "frequencyPenalty"],
    ]

    /// A chat request's canonical form under `kind`: the route stands for the model; the stream flag, usage
    /// reporting and the end user are left out.
    static func canonical(_ kind: String, _ request: ChatRequest, route: String, tenant: String?) throws -> CanonicalForm {
        var form = CanonicalForm(capacity: 256 + request.messages.reduce(0) { $0 + 48 + $1.text.utf8.count })
        form.string(kind)
        form.string(route)
        form.string(tenant)
        form.count(request.messages.count)
        for message in request.messages {
            form.string(message.role.rawValue)
            form.count(message.content.count)
            for part in message.content {
                switch part {
                case .text(let text):
                    form.string("text")
                    form.string(text)
                case .image(let image):
                    form.string("image")
                    form.string(image.url)
                    form.string(image.detail)
                }
            }
            form.count(message.toolCalls.count)
            for call in message.toolCalls {
                form.string(call.id)
                form.string(call.name)
                form.string(call.arguments)
            }
            form.string(message.toolCallID)
            form.string(message.name)
        }
        if request.tools.isEmpty { form.count(0) } else { try form.json(request.tools) }
        if let choice = request.toolChoice { try form.json(choice) } else { form.absent() }
        let sampling = request.sampling
        form.double(sampling.temperature)
        form.double(sampling.topP)
        form.int(sampling.topK)
        form.int(sampling.maxTokens)
        form.count(sampling.stop.count)
        for stop in sampling.stop { form.string(stop) }
        form.int(sampling.seed)
        form.double(sampling.presencePenalty)
        form.double(sampling.frequencyPenalty)
        if let format = request.responseFormat { try form.json(format) } else { form.absent() }
        return form
    }

    /// A legacy completion, normalised the same way.
    public static func completion(_ request: CompletionRequest, route: String, tenant: String?) throws -> CacheKey {
        var normal = request
        normal.model = route
        normal.includeUsage = false
        return try CacheKey(route: route, kind: "completion", tenant: tenant, canonical: normal)
    }

    /// Embeddings: the inputs, their role and the requested size.
    public static func embedding(_ request: EmbeddingRequest, route: String, tenant: String?) throws -> CacheKey {
        var normal = request
        normal.model = route
        return try CacheKey(route: route, kind: "embedding", tenant: tenant, canonical: normal)
    }

    /// Anything else, by its own canonical form (`/api/query`: the normalised question, mode, collection and its
    /// version, …).
    public static func other(_ kind: String, _ canonical: some Encodable, route: String, tenant: String?) throws -> CacheKey {
        try CacheKey(route: route, kind: kind, tenant: tenant, canonical: canonical)
    }

    /// A tenant's name for keys: a hash of its API key (the key itself is never kept).
    public static func tenant(apiKey: String) -> String {
        hex(SHA256.hash(data: Data(apiKey.utf8)).prefix(12))
    }

    /// Lower-case hexadecimal digits of `bytes`.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
