import Configuration
import FerryCore
import Foundation
import Yams

/// A YAML or JSON configuration file, parsed once: its values (flattened to dotted keys) for swift-configuration,
/// the names under each map (backends, routes), and the line of each key for error messages.
struct ConfigurationFile: Sendable {
    let path: String
    private(set) var values: [String: ConfigContent] = [:]
    private(set) var lines: [String: Int] = [:]
    private(set) var children: [String: [String]] = [:]

    init(path: String) throws(FerryError) {
        self.path = path
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw FerryError(code: .configuration, message: "Cannot read the configuration file \(path)", hint: "check the path (it is relative to the current directory) and its permissions")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw FerryError(code: .configuration, message: "The configuration file \(path) is not valid YAML or JSON: \(error)", hint: "fix the syntax at the line it names; see ferry.example.yaml")
        }
        guard let root else { return }
        guard root.mapping != nil else {
            throw FerryError(code: .configuration, message: "The configuration file \(path) must hold a map of settings at its top level", hint: "see ferry.example.yaml")
        }
        flatten(root, prefix: [])
    }

    private mutating func flatten(_ node: Node, prefix: [String]) {
        let key = prefix.joined(separator: ".")
        if let line = node.mark?.line, !key.isEmpty { lines[key] = line }
        switch node {
        case .mapping(let mapping):
            var names: [String] = []
            for (name, child) in mapping {
                guard let component = name.string else { continue }
                names.append(component)
                if let line = name.mark?.line { lines[(prefix + [component]).joined(separator: ".")] = line }
                flatten(child, prefix: prefix + [component])
            }
            children[key] = names
        case .sequence(let sequence):
            values[key] = .stringArray(sequence.compactMap(\.string))
        case .scalar(let scalar):
            if scalar.tag.description.hasSuffix("null") || (scalar.style == .plain && ["~", "null", ""].contains(scalar.string)) { return }
            values[key] = .string(scalar.string)
        case .alias:
            break
        }
    }

    /// Names under a map, in file order (e.g. the backends).
    func names(under key: String) -> [String] { children[key] ?? [] }

    /// `ferry.yaml line 12` for a key of this file.
    func place(of key: String) -> String {
        lines[key].map { "\(path) line \($0)" } ?? path
    }

    /// The values as text, to tell what changed between two readings of the file; a secret (a key ending in
    /// `key`) only as a digest valid in this process, never as itself.
    var comparableValues: [String: String] {
        Dictionary(uniqueKeysWithValues: values.map { key, content in
            let text: String
            switch content {
            case .string(let value): text = value
            case .stringArray(let list): text = list.joined(separator: "\u{1F}")
            default: text = "\(content)"
            }
            return (key, key.hasSuffix("key") || key.hasSuffix("keys") ? "secret \(text.hashValue)" : text)
        })
    }

    /// The values as a swift-configuration provider.
    var provider: InMemoryProvider {
        InMemoryProvider(name: path, values: Dictionary(uniqueKeysWithValues: values.map { key, content in
            (AbsoluteConfigKey(key.split(separator: ".").map(String.init)), ConfigValue(content, isSecret: key.hasSuffix("api_key")))
        }))
    }
}
