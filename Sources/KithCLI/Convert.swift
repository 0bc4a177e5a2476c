import ArgumentParser
import Foundation
import Kith

/// `kith convert`: stream inputs through detection into an exporter.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert contact and message exports from one format to another.",
        discussion: """
            Each input's format is detected from its content (the file extension is a hint); \
            --format forces one. Records stream straight to the output: standard output unless \
            -o names a file, which is written atomically.
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var plugins: RegistryOptions

    @Option(name: .long, help: "The output format (see 'kith formats').")
    var to: String

    @Option(name: [.short, .long], help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    @Option(name: .long, help: "A CSV column mapping, JSON (see docs/csv-mapping.md); the same as -O mapping=FILE.")
    var map: String?

    func run() throws {
        let registry = plugins.registry()
        var options = try input.pluginOptions()
        if let map { options["mapping"] = map }
        let exporter: any Exporter
        do {
            exporter = try registry.exporter(FormatID(to))
            if let f = input.format { _ = try registry.importer(FormatID(f)) }
        } catch {
            throw UsageError(description: error.message)
        }
        let atomic = try output.map { path throws -> AtomicFile in try AtomicFile(path: path) }
        let sink = atomic?.sink ?? ByteSink(fileDescriptor: 1, name: "standard output")
        let writer = RecordOutput(try exporter.makeWriter(to: sink, options: options))
        var reporter = RunReporter(quiet: input.quiet)
        let runner = ImportRunner(registry: registry, forcedFormat: input.format.map { FormatID($0) }, options: options)
        let summary = try runner.run(
            inputs: input.inputs,
            onInput: { name, format, detection in reporter.started(name, format: format, detection: detection) },
            onEvent: { event, source in
                switch event {
                case .contact(let c): try writer.write(.contact(c))
                case .interaction(let i): try writer.write(.interaction(i))
                case .diagnostic(let d):
                    reporter.report(d)
                    // Warnings and errors travel with the data; notes are for the terminal.
                    if d.severity > .note { try writer.write(.diagnostic(d)) }
                }
                reporter.tick(source)
            })
        try writer.finish()
        try atomic?.commit()
        reporter.finish(summary)
        if summary.filesFailed > 0 || (input.strict && (summary.warnings > 0 || summary.errors > 0)) {
            throw ExitCode(1)
        }
    }
}
