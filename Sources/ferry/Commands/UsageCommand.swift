import ArgumentParser
import FerryAccess
import FerryCore
import Foundation

/// `ferry usage`: what each key used — requests, prompt and completion tokens, errors, cache hits — by key, and by
/// route, model or day.
struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Show what each API key used: requests, tokens, errors, cache hits.",
        discussion: "Read from the key store (access.sqlite in the data folder, or PostgreSQL); ferry serve writes it each second."
    )

    @OptionGroup var options: ConfigOptions
    @Option(help: "Only this key (its name or id).") var key: String?
    @Option(help: "From when: a duration back from now (24h, 7d) or a date (2026-12-01).") var since: String?
    @Option(help: "Rows by route, model or day, within each key.") var by: UsageQuery.Grouping?
    @Flag(help: "Print one JSON object per row.") var json = false

    func run() async throws {
        let since: Date?
        do {
            since = try self.since.map { text throws(FerryError) in try NewKey.date(text, past: true, field: "since") }
        } catch {
            throw ValidationError(error.message)
        }
        let store = try await KeysCommand.store(options)
        let rows = UsageRow.grouped(try await store.usage(UsageQuery(key: key, since: since, by: by)), by: by)
        if json {
            print(try KeysCommand.jsonText(rows))
            return
        }
        guard !rows.isEmpty else { return print("No usage recorded\(key.map { " for \($0)" } ?? "")\(since == nil ? "" : " in that time").") }
        let header = ["key", by?.rawValue, "requests", "prompt tokens", "completion tokens", "errors", "cache hits"].compactMap { $0 }
        let table = rows.map { row in
            [row.key, by == nil ? nil : row.route ?? row.model ?? row.day ?? "", String(row.requests), String(row.promptTokens), String(row.completionTokens), String(row.errors), String(row.cacheHits)].compactMap { $0 }
        }
        let widths = header.indices.map { column in ([header] + table).map { $0[column].count }.max() ?? 0 }
        for line in [header] + table {
            print(line.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }
}

extension UsageQuery.Grouping: ExpressibleByArgument {}
