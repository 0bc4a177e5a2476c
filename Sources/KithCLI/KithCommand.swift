import ArgumentParser
import Foundation
import Kith

/// The `kith` command: its subcommands and exit-code policy.
///
/// Exit codes: 0 success (warnings allowed), 1 when an input could not be
/// read at all (or, with `--strict`, any warning), 2 for usage errors.
@main
struct KithCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kith",
        abstract: "Read contacts and conversations from every export format into one clean set.",
        version: "0.1.0",
        subcommands: [
            Formats.self, Convert.self, Consolidate.self, Explain.self, Import.self, Review.self, Link.self, Unlink.self,
            Split.self, Show.self, Export.self, Stats.self,
        ]
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help, --version: print to stdout as usual.
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if let exit = error as? ExitCode { Foundation.exit(exit.rawValue) }
            if let failure = error as? CLIFailure {
                FileHandle.standardError.write(Data("kith: error: \(failure.message)\n".utf8))
                Foundation.exit(1)
            }
            if let usage = error as? UsageError {
                FileHandle.standardError.write(Data("kith: error: \(usage.description)\n".utf8))
                Foundation.exit(2)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            // Argument-parser uses EX_USAGE (64) for usage errors; Kith promises 2.
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// A usage error found after parsing (an unknown --to format, say): exit 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
}

/// Options shared by commands that read inputs.
struct InputOptions: ParsableArguments {
    @Argument(help: "Files or folders to read (folders are walked; '-' reads standard input).")
    var inputs: [String]

    @Option(name: .long, help: "Read every input as this format instead of detecting it (see 'kith formats').")
    var format: String?

    @Option(name: [.customShort("O"), .long], help: "A plugin setting KEY=VALUE (repeatable; see docs).")
    var option: [String] = []

    @Flag(name: .long, help: "Treat warnings as failures (exit 1).")
    var strict = false

    @Flag(name: [.short, .long], help: "Print only errors and the summary.")
    var quiet = false

    func pluginOptions() throws -> PluginOptions {
        var o = PluginOptions()
        for kv in option {
            guard let eq = kv.firstIndex(of: "="), eq != kv.startIndex else {
                throw ValidationError("--option expects KEY=VALUE, got '\(kv)'")
            }
            o[String(kv[..<eq])] = String(kv[kv.index(after: eq)...])
        }
        return o
    }
}
