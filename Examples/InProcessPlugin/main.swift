// An in-process Kith plugin: a Swift program that depends on the `Kith`
// library, adds a format of its own to the standard registry, and runs the
// import pipeline. Run it with:
//
//   swift run kith-example-plugin directory.hrd > people.jsonl
//
// The format is an invented HR directory export: a "#HR-DIRECTORY 1" first
// line, then one employee per line as NAME|EMAIL|PHONE|DEPARTMENT.
import Foundation
import Kith

struct HRDirectoryImporter: Importer {
    var descriptor: FormatDescriptor {
        FormatDescriptor(
            id: "hr-directory", name: "Acme HR directory", summary: "pipe-separated employee list",
            fileExtensions: ["hrd"], capabilities: [.import], origin: "swift")
    }

    func detect(_ probe: FormatProbe) -> Detection {
        if probe.headText.hasPrefix("#HR-DIRECTORY 1") { return .certain("#HR-DIRECTORY header") }
        return probe.fileExtension == "hrd" ? .byExtension() : .no("no #HR-DIRECTORY header")
    }

    func importRecords(from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void) throws
        -> ImportSummary
    {
        let stream = try source.openStream()
        var summary = ImportSummary()
        while let bytes = stream.readLine() {
            let line = String(decoding: bytes, as: UTF8.self)
            let number = stream.lineNumber
            if number == 1 && line.hasPrefix("#HR-DIRECTORY") { continue }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            summary.recordsRead += 1
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard fields.count == 4, !fields[0].isEmpty || !fields[1].isEmpty else {
                summary.recordsRejected += 1
                try emit(.diagnostic(Diagnostic(
                    severity: .error, file: source.name, locator: Locator(line: number, record: summary.recordsRead),
                    message: "expected NAME|EMAIL|PHONE|DEPARTMENT with a name or an e-mail; got \(fields.count) fields",
                    code: "hr.fields")))
                continue
            }
            let locator = Locator(line: number, record: summary.recordsRead)
            var contact = Contact(id: StableID.record(plugin: "hr-directory", file: source.name, locator: locator))
            contact.name = PersonName(formatted: fields[0].isEmpty ? nil : fields[0])
            if !fields[1].isEmpty { contact.emails = [EmailAddress(fields[1], labels: [Label.work])] }
            if !fields[2].isEmpty { contact.phones = [PhoneNumber(raw: fields[2], labels: [Label.work])] }
            if !fields[3].isEmpty { contact.organizations = [Organization(name: "Acme", department: fields[3])] }
            contact.sources = [Provenance(plugin: "hr-directory", file: source.name, locator: locator)]
            try emit(.contact(contact))
        }
        return summary
    }
}

// Register the plugin ahead of the built-in ones and run the import.
var registry = PluginRegistry.standard
registry.registerFirst(HRDirectoryImporter())
let inputs = Array(CommandLine.arguments.dropFirst())
let sink = ByteSink(fileDescriptor: 1, name: "standard output")
let writer = try registry.exporter("jsonl").makeWriter(to: sink, options: PluginOptions())
let summary = try ImportRunner(registry: registry).run(inputs: inputs) { event, _ in
    switch event {
    case .contact(let c): try writer.write(.contact(c))
    case .interaction(let i): try writer.write(.interaction(i))
    case .diagnostic(let d): FileHandle.standardError.write(Data("\(d)\n".utf8))
    }
}
try writer.finish()
FileHandle.standardError.write(Data("read \(summary.recordsRead), imported \(summary.recordsImported), rejected \(summary.recordsRejected)\n".utf8))
exit(summary.filesFailed > 0 ? 1 : 0)
