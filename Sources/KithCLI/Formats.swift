import ArgumentParser
import Foundation
import Kith

/// `kith formats`: what every registered plugin reads and writes.
struct Formats: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the formats Kith can read and write.")

    @Flag(name: .long, help: "Print as a JSON array.")
    var json = false

    @OptionGroup var plugins: RegistryOptions

    func run() throws {
        let registry = plugins.registry()
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
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count + 1), withPad: " ", startingAt: 0) }
        print(pad("ID", idWidth + 2) + "READ WRITE  " + pad("EXTENSIONS", 18) + pad("ORIGIN", 10) + "DESCRIPTION")
        for d in descriptors {
            let r = d.capabilities.contains(.import) ? "yes " : "no  "
            let w = d.capabilities.contains(.export) ? "yes  " : "no   "
            let ext = d.fileExtensions.map { "." + $0 }.joined(separator: " ")
            let origin = d.origin == "built-in" ? "built-in" : "external"
            var line = pad(d.id.rawValue, idWidth + 2) + r + " " + w + "  " + pad(ext, 18) + pad(origin, 10) + d.name
            if !d.summary.isEmpty { line += " — " + d.summary }
            if origin == "external" { line += " [\(d.origin)]" }
            print(line)
        }
    }
}
