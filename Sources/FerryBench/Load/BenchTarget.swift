/// One server `ferry bench` drives: a name, a base URL, and the dialect to speak.
///
/// ```swift
/// let direct = try BenchTarget(parsing: "direct=http://127.0.0.1:8000")
/// let ollama = try BenchTarget(parsing: "ollama=http://127.0.0.1:11434,dialect=ollama")
/// ```
public struct BenchTarget: Sendable, Hashable, Codable {
    public enum Dialect: String, Sendable, Hashable, Codable, CaseIterable {
        case openai, ollama
    }

    public var name: String
    public var url: String
    public var dialect: Dialect
    /// The model to ask for (nil: the only model the target serves).
    public var model: String?

    public init(name: String, url: String, dialect: Dialect = .openai, model: String? = nil) {
        self.name = name
        self.url = url
        self.dialect = dialect
        self.model = model
    }

    /// Parses `NAME=URL[,dialect=openai|ollama][,model=NAME]`.
    public init(parsing text: String) throws(BenchError) {
        let parts = text.split(separator: ",").map(String.init)
        guard let head = parts.first, let equals = head.firstIndex(of: "=") else {
            throw BenchError("`--target \(text)` is not NAME=URL, e.g. direct=http://127.0.0.1:8000 or ollama=http://127.0.0.1:11434,dialect=ollama")
        }
        name = String(head[..<equals])
        url = String(head[head.index(after: equals)...])
        dialect = .openai
        guard !name.isEmpty, url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw BenchError("`--target \(text)` needs a name and an http:// or https:// URL, e.g. ferry=http://127.0.0.1:8080")
        }
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            switch (pair.first, pair.count == 2 ? pair[1] : nil) {
            case ("dialect"?, let value?):
                guard let chosen = Dialect(rawValue: value.lowercased()) else {
                    throw BenchError("`dialect=\(value)` in `--target \(text)` is not openai or ollama")
                }
                dialect = chosen
            case ("model"?, let value?):
                model = value
            default:
                throw BenchError("`\(part)` in `--target \(text)` is not dialect=openai|ollama or model=NAME")
            }
        }
    }
}
