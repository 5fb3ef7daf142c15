import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The files of the paths given to an ingest: files as named, folders walked recursively in name order, hidden
/// entries, `.git` and `node_modules` left out, include and exclude globs applied (to the file's name and to its
/// path below the folder).
struct FileScanner {
    var include: [String]
    var exclude: [String]

    struct Found: Hashable {
        /// The path as it will be recorded: the folder as given, then the path below it.
        var path: String
        /// Whether it came from walking a folder (files named directly are always tried).
        var fromFolder: Bool
    }

    /// The files, and the paths that do not exist.
    func scan(_ paths: [String]) -> (files: [Found], missing: [String]) {
        var files: [Found] = []
        var missing: [String] = []
        var seen = Set<String>()
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                missing.append(path)
                continue
            }
            if !isFolder.boolValue {
                if seen.insert(path).inserted { files.append(Found(path: path, fromFolder: false)) }
                continue
            }
            for relative in walk(path) {
                let full = path.hasSuffix("/") ? path + relative : path + "/" + relative
                if seen.insert(full).inserted { files.append(Found(path: full, fromFolder: true)) }
            }
        }
        return (files, missing)
    }

    private func walk(_ folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: URL(fileURLWithPath: folder), includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey], options: [.skipsHiddenFiles]) else { return [] }
        let base = URL(fileURLWithPath: folder).standardizedFileURL.path
        var found: [String] = []
        for case let url as URL in enumerator {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey])
            let relative = String(url.standardizedFileURL.path.dropFirst(base.count).drop { $0 == "/" })
            if values?.isDirectory == true {
                if url.lastPathComponent == "node_modules" || matchesAny(exclude, relative) { enumerator.skipDescendants() }
                continue
            }
            guard values?.isRegularFile == true else { continue }
            if matchesAny(exclude, relative) { continue }
            if !include.isEmpty, !matchesAny(include, relative) { continue }
            found.append(relative)
        }
        return found.sorted()
    }

    private func matchesAny(_ patterns: [String], _ relative: String) -> Bool {
        let name = relative.split(separator: "/").last.map(String.init) ?? relative
        return patterns.contains { Glob.matches($0, relative) || Glob.matches($0, name) }
    }
}

/// Shell-style globs (`*`, `?`, `[abc]`; `*` also crosses `/`, so `*.md` matches `guide/intro.md`).
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let pattern = pattern.replacingOccurrences(of: "**/", with: "*").replacingOccurrences(of: "**", with: "*")
        return fnmatch(pattern, text, 0) == 0
    }
}
