import Foundation
import KithModel
import KithPlugin
import KithTestSupport
import KithVCard

/// Reads a committed fixture from the test bundle.
func fixture(_ name: String) throws -> [UInt8] {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
        throw CocoaError(.fileNoSuchFile)
    }
    return Array(try Data(contentsOf: url))
}

/// Imports bytes with the vCard plugin.
func read(_ bytes: [UInt8], name: String = "test.vcf", options: PluginOptions = PluginOptions()) -> ImporterConformance.Outcome {
    ImporterConformance.run(VCardPlugin(), bytes: bytes, fileName: name, options: options)
}

/// Imports text (LF line ends turned into CRLF unless `crlf` is false).
func read(_ text: String, crlf: Bool = true, options: PluginOptions = PluginOptions()) -> ImporterConformance.Outcome {
    read(Array((crlf ? text.replacingOccurrences(of: "\n", with: "\r\n") : text).utf8), options: options)
}

/// One card's contact from text that holds one card.
func card(_ body: String) -> Contact? {
    read("BEGIN:VCARD\nVERSION:3.0\n" + body + "\nEND:VCARD\n").contacts.first
}

/// One card's contact from 2.1 text.
func card21(_ body: String) -> Contact? {
    read("BEGIN:VCARD\nVERSION:2.1\n" + body + "\nEND:VCARD\n").contacts.first
}

/// Writes contacts as vCard text.
func write(_ contacts: [Contact], version: String = "4.0") throws -> String {
    let bytes = try ExporterConformance.write(VCardPlugin(), contacts.map { .contact($0) }, options: PluginOptions(["version": version]))
    return String(decoding: bytes, as: UTF8.self)
}

/// The part of a contact that does not depend on where it was read from.
func content(_ c: Contact) -> Contact {
    var c = c
    c.id = ""
    c.sources = []
    return c
}
