import Logging

extension LaunchSpec {
    /// How a server writes its log lines, so that Ferry can tell its warnings and errors from its chatter: the
    /// chatter (llama.cpp prints several lines per request) is logged at debug, warnings and errors at their level.
    ///
    /// ```swift
    /// LaunchSpec.Output.vllm.level(of: "WARNING 12-05 10:00:01 [config.py:123] Casting torch.bfloat16")  // .warning
    /// LaunchSpec.Output.llamacpp.level(of: "slot get_availabl: id  0 | task 3 | selected slot")           // .debug
    /// ```
    public enum Output: Sendable, Hashable {
        /// vLLM (Python logging): `INFO 12-05 …`, `WARNING …`, `ERROR …`, tracebacks.
        case vllm
        /// llama.cpp's server (and the embedded engine's launcher): `… error: …`, `… warning: …`, `E `/`W ` prefixes.
        case llamacpp
        /// Ollama: `time=… level=WARN msg=…`.
        case ollama
        /// swift-log's console format (FerrySim): `2026-12-05T10:00:00+0000 warning …`.
        case swiftLog
        /// Anything else: words such as `error`, `fatal`, `warning` anywhere in the line.
        case generic

        /// The level a line is logged at.
        public func level(of line: some StringProtocol) -> Logger.Level {
            if line.hasPrefix("Traceback ") { return .error }
            switch self {
            case .vllm:
                if line.hasPrefix("ERROR") || line.hasPrefix("CRITICAL") { return .error }
                if line.hasPrefix("WARNING") { return .warning }
                return .debug
            case .llamacpp:
                if line.hasPrefix("E ") { return .error }
                if line.hasPrefix("W ") { return .warning }
                return Self.byWords(line)
            case .ollama:
                if line.contains("level=ERROR") { return .error }
                if line.contains("level=WARN") { return .warning }
                return .debug
            case .swiftLog:
                let fields = line.split(separator: " ", maxSplits: 2)
                guard fields.count > 1 else { return .debug }
                switch fields[1] {
                case "error", "critical": return .error
                case "warning": return .warning
                default: return .debug
                }
            case .generic:
                return Self.byWords(line)
            }
        }

        private static func byWords(_ line: some StringProtocol) -> Logger.Level {
            let lowered = line.lowercased()
            if ["error:", "error ", "fatal", "exception", "failed to"].contains(where: lowered.contains) { return .error }
            if lowered.contains("warning") || lowered.contains("warn:") { return .warning }
            return .debug
        }
    }
}
