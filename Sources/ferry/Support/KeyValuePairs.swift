import ArgumentParser

/// `KEY=VALUE` options (`--meta team=crew`), checked and read the same way by every command.
enum KeyValuePairs {
    /// A usage error naming `option` for the first pair without `=`.
    static func validate(_ pairs: [String], option: String) throws {
        for pair in pairs where !pair.contains("=") { throw ValidationError("\(option) \(pair): write KEY=VALUE") }
    }

    /// The pairs as a dictionary; a key given twice keeps its last value.
    static func dictionary(_ pairs: [String]) -> [String: String] {
        Dictionary(pairs.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }, uniquingKeysWith: { _, last in last })
    }
}
