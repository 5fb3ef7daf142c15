
/// Ollama's model naming: `name:tag`, with `latest` as the default tag.
public enum OllamaModelName {
    /// `llama3` → `llama3:latest`; names with a tag are kept.
    public static func normalized(_ name: String) -> String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        return last.contains(":") ? name : name + ":latest"
    }

    /// Whether two names denote the same model once tags are normalised.
    public static func matches(_ lhs: String, _ rhs: String) -> Bool {
        normalized(lhs) == normalized(rhs)
    }
}
