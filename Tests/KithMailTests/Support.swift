import Foundation
import KithModel
import KithPlugin
import KithTestSupport
import Testing
@testable import KithMail

/// Runs the Mail plugin on text (LF line ends unless the text has others).
func importMail(_ text: String, name: String = "test.mbox", options: [String: String] = [:]) -> ImporterConformance.Outcome {
    importMail(Array(text.utf8), name: name, options: options)
}

func importMail(_ bytes: [UInt8], name: String = "test.mbox", options: [String: String] = [:]) -> ImporterConformance.Outcome {
    ImporterConformance.run(MailPlugin(), bytes: bytes, fileName: name, options: PluginOptions(options))
}

/// A fixture file's bytes from Tests/KithMailTests/Fixtures.
func fixture(_ name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return Array(try Data(contentsOf: url))
}

extension ImporterConformance.Outcome {
    func codes() -> [String] { diagnostics.compactMap(\.code) }
    func contact(_ address: String) -> Contact? {
        contacts.first { $0.emails.contains { $0.address.lowercased() == address.lowercased() } }
    }
}

func parseAddresses(_ s: String) -> [MailAddress] {
    AddressParser.parse(Array(s.utf8), messageCharset: nil)
}

/// A minimal message with the given extra header lines.
func message(_ headers: String, body: String = "Hello.\n", envelope: String? = "From someone@example.org Mon Mar  4 09:12:44 2024")
    -> String
{
    (envelope.map { $0 + "\n" } ?? "") + headers + "\n\n" + body
}
