import ArgumentParser
import Foundation
import Kith

/// `kith formats`: what every registered plugin reads and writes.
struct Formats: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the formats Kith can read and write.")

    @Flag(name: .long, help: "Print as a JSON array.")
    var json = false

    func run() throws {
        let registry = PluginRegistry.standard
        let descriptors = registry.descriptors
        if json {
            let items: [[String: Any]] = descriptors.map { d in
                [
                    "id": d.id.rawValue, "name": d.name, "summary": d.summary,
                    "import": d.capabilities.contains(.import), "export": d.capabilities.contains(.export),
                    "folders": d.capabilities.contains(.directoryInput),
                    "extensions": d.fileExtensions, "mediaTypes": d.mediaTypes, "origin": d.origin,
                ]
            }
            let data = try JSONSerialization.data(withJSONObject: items, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let idWidth = max(6, descriptors.map(\.id.rawValue.count).max() ?? 0)
        print("ID".padding(toLength: idWidth + 2, withPad: " ", startingAt: 0) + "READ WRITE  EXTENSIONS       DESCRIPTION")
        for d in descriptors {
            let r = d.capabilities.contains(.import) ? "yes " : "no  "
            let w = d.capabilities.contains(.export) ? "yes  " : "no   "
            let ext = d.fileExtensions.map { "." + $0 }.joined(separator: " ")
            print(
                d.id.rawValue.padding(toLength: idWidth + 2, withPad: " ", startingAt: 0) + r + " " + w + "  "
                    + ext.padding(toLength: 16, withPad: " ", startingAt: 0) + " " + d.name + " — " + d.summary)
        }
    }
}
