import Configuration
import FerryCore
import Foundation

/// Reads settings through swift-configuration — command line over environment over file over defaults — and
/// knows where each came from, so an error names the key, its source and the accepted values.
struct ConfigurationValues: Sendable {
    let reader: ConfigReader
    let file: ConfigurationFile?
    let environment: [String: String]
    let overrides: [String: String]

    init(file: ConfigurationFile?, environment: [String: String], overrides: [String: String]) {
        self.file = file
        self.environment = environment
        self.overrides = overrides
        var providers: [any ConfigProvider] = []
        providers.append(InMemoryProvider(name: "command line", values: Dictionary(uniqueKeysWithValues: overrides.map { key, value in
            (AbsoluteConfigKey(key.split(separator: ".").map(String.init)), ConfigValue(.string(value), isSecret: false))
        })))
        providers.append(EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .dynamic { key, _ in key.hasSuffix("_API_KEY") || key.hasSuffix("_TOKEN") }))
        if let file { providers.append(file.provider) }
        reader = ConfigReader(providers: providers)
    }

    /// The environment variable that sets `key` (`vllm.base_url` → `VLLM_BASE_URL`).
    static func environmentName(_ key: String) -> String {
        key.split(separator: ".").map { $0.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined() }.joined(separator: "_")
    }

    /// Where the value of `key` comes from.
    func source(of key: String) -> String {
        if overrides[key] != nil { return "the command line" }
        let variable = Self.environmentName(key)
        if environment[variable] != nil { return "environment variable \(variable)" }
        if let file, file.values[key] != nil || file.lines[key] != nil { return file.place(of: key) }
        return "the default"
    }

    func string(_ key: String) -> String? {
        guard let value = reader.string(forKey: ConfigKey(key.split(separator: ".").map(String.init)), isSecret: key.hasSuffix("api_key")) else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    func strings(_ key: String) -> [String]? {
        reader.stringArray(forKey: ConfigKey(key.split(separator: ".").map(String.init)))?.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A list, or a single value as a list of one; empty when unset.
    func list(_ key: String) -> [String] {
        strings(key) ?? string(key).map { [$0] } ?? []
    }

    func bool(_ key: String) throws(FerryError) -> Bool? {
        guard let text = string(key)?.lowercased() else { return nil }
        switch text {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw invalid(key, text, accepted: "true or false")
        }
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(FerryError) -> Int? {
        guard let text = string(key) else { return nil }
        guard let value = Int(text), range.contains(value) else { throw invalid(key, text, accepted: "a whole number from \(range.lowerBound) to \(range.upperBound)") }
        return value
    }

    func double(_ key: String, in range: ClosedRange<Double>) throws(FerryError) -> Double? {
        guard let text = string(key) else { return nil }
        guard let value = Double(text), range.contains(value) else { throw invalid(key, text, accepted: "a number from \(range.lowerBound) to \(range.upperBound)") }
        return value
    }

    /// A duration: `250ms`, `30s`, `2m`, or a plain number of seconds.
    func duration(_ key: String) throws(FerryError) -> Duration? {
        guard let text = string(key) else { return nil }
        if let value = Duration(parsing: text), value > .zero { return value }
        throw invalid(key, text, accepted: "a positive duration such as 500ms, 30s or 2m (a plain number means seconds)")
    }

    /// One of `accepted` (case-insensitive).
    func choice<Value>(_ key: String, _ accepted: [String: Value]) throws(FerryError) -> Value? {
        guard let text = string(key) else { return nil }
        guard let value = accepted[text.lowercased()] else {
            throw invalid(key, text, accepted: accepted.keys.sorted().joined(separator: ", "))
        }
        return value
    }

    func invalid(_ key: String, _ value: String, accepted: String) -> FerryError {
        FerryError(
            code: .configuration,
            message: "`\(key)` is `\(value)` (from \(source(of: key))), which is not valid",
            hint: "use \(accepted)"
        )
    }
}
