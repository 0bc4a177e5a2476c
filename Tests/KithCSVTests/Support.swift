import Foundation
import KithModel
import KithPlugin
import KithTestSupport
import Testing

@testable import KithCSV

typealias Outcome = ImporterConformance.Outcome

/// Imports CSV text (UTF-8) with the CSV plugin.
func importCSV(_ text: String, name: String = "test.csv", options: [String: String] = [:]) -> Outcome {
    importCSV(bytes: Array(text.utf8), name: name, options: options)
}

/// Imports raw bytes with the CSV plugin.
func importCSV(bytes: [UInt8], name: String = "test.csv", options: [String: String] = [:]) -> Outcome {
    ImporterConformance.run(CSVPlugin(), bytes: bytes, fileName: name, options: PluginOptions(options))
}

/// The "detected layout: …" note of an import.
func layoutNote(_ o: Outcome) -> String {
    o.diagnostics.first { $0.code == "csv.layout" }?.message ?? "(no layout note)"
}

/// A fixture's bytes from Tests/KithCSVTests/Fixtures.
func fixture(_ name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil))
    return Array(try Data(contentsOf: url))
}

/// Text encoded with a Foundation encoding (legacy code pages, UTF-16).
func encoded(_ text: String, _ encoding: String.Encoding) throws -> [UInt8] {
    Array(try #require(text.data(using: encoding, allowLossyConversion: false)))
}

extension Outcome {
    /// Errors and warnings (not notes).
    var problems: [Diagnostic] { diagnostics.filter { $0.severity != .note } }
}
