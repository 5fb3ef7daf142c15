import Foundation

/// The one folder for everything Ferry keeps (the document store, later the cache, keys and sessions):
/// `FERRY_DATA_DIR` when set, else `$XDG_DATA_HOME/ferry`, else `~/.local/share/ferry`.
///
/// ```swift
/// let store = FerryDataDirectory.resolve().appendingPathComponent("rag.sqlite")
/// ```
public enum FerryDataDirectory {
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let folder = environment["FERRY_DATA_DIR"], !folder.isEmpty { return URL(fileURLWithPath: folder) }
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty { return URL(fileURLWithPath: data).appendingPathComponent("ferry") }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSTemporaryDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/ferry")
    }
}
