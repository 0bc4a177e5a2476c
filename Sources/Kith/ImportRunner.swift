import Foundation

/// Reads a list of inputs (files, folders walked recursively, "-" for
/// standard input) through a registry, detecting each file's format, and hands
/// every event to the caller with running accounting.
///
/// This is the first stage of `kith convert` and `kith consolidate`, usable
/// alone from Swift.
public struct ImportRunner {
    /// The plugins to use.
    public var registry: PluginRegistry
    /// Forces one format for every file instead of detecting.
    public var forcedFormat: FormatID?
    /// Settings passed to every importer.
    public var options: PluginOptions

    /// Asked before each file is read (with its path); returning false skips
    /// it silently (the store uses it to skip files that did not change).
    public var shouldImport: ((String) -> Bool)?

    public init(registry: PluginRegistry, forcedFormat: FormatID? = nil, options: PluginOptions = PluginOptions()) {
        self.registry = registry
        self.forcedFormat = forcedFormat
        self.options = options
    }

    /// What a run read, imported and rejected.
    public struct Summary: Hashable, Sendable {
        /// Inputs (files, folders read as one, stdin) attempted.
        public var files = 0
        /// Inputs that could not be read at all.
        public var filesFailed = 0
        /// Files inside walked folders that no plugin recognised.
        public var skipped = 0
        /// Input records seen.
        public var recordsRead = 0
        /// Input records rejected.
        public var recordsRejected = 0
        /// Contacts produced.
        public var contacts = 0
        /// Interactions produced.
        public var interactions = 0
        /// Warnings reported.
        public var warnings = 0
        /// Errors reported (rejected records and unreadable inputs).
        public var errors = 0

        public init() {}

        /// Records imported: read minus rejected.
        public var recordsImported: Int { recordsRead - recordsRejected }
    }

    /// Called at the start of each input with the chosen plugin and why.
    public typealias InputHandler = (_ input: String, _ format: FormatID, _ detection: Detection?) -> Void
    /// Called with each event; `source` is the input's name.
    public typealias EventHandler = (_ event: ImportEvent, _ source: ImportSource) throws -> Void

    /// Runs every input in order. An input that cannot be read at all becomes
    /// an `.error` diagnostic (passed to `onEvent`) and the run goes on.
    /// Rethrows only what `onEvent` throws.
    @discardableResult
    public func run(
        inputs: [String], onInput: InputHandler = { _, _, _ in }, onEvent: EventHandler
    ) throws -> Summary {
        var summary = Summary()
        for input in inputs {
            try runOne(input, summary: &summary, onInput: onInput, onEvent: onEvent)
        }
        return summary
    }

    private func runOne(
        _ input: String, walked: Bool = false, summary: inout Summary, onInput: InputHandler, onEvent: EventHandler
    ) throws {
        if input == "-" {
            let stream = ByteStream(fileDescriptor: 0)
            try importFile(.stream(stream, name: "-"), head: stream.peek(FormatProbe.headSize), fileName: "-",
                summary: &summary, onInput: onInput, onEvent: onEvent)
            return
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir) else {
            try fail(input, PluginError(.unreadable, "no such file or folder", file: input), &summary, onEvent)
            return
        }
        if isDir.boolValue {
            try importDirectory(input, summary: &summary, onInput: onInput, onEvent: onEvent)
        } else {
            if let shouldImport, !shouldImport(input) { return }
            let head: [UInt8]
            do {
                head = try ByteStream(path: input).peek(FormatProbe.headSize)
            } catch {
                try fail(input, error, &summary, onEvent)
                return
            }
            try importFile(.file(input), head: head, fileName: (input as NSString).lastPathComponent, walked: walked,
                summary: &summary, onInput: onInput, onEvent: onEvent)
        }
    }

    private func importDirectory(_ path: String, summary: inout Summary, onInput: InputHandler, onEvent: EventHandler) throws {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            try fail(path, PluginError(.unreadable, "cannot list the folder", file: path, underlying: "\(error)"), &summary, onEvent)
            return
        }
        // A folder format (Maildir) may claim the whole folder.
        let probe = FormatProbe(fileName: (path as NSString).lastPathComponent, head: [], isDirectory: true, directoryEntries: entries)
        let folderImporters = registry.importers.filter { $0.descriptor.capabilities.contains(.directoryInput) }
        if !folderImporters.isEmpty {
            if let forcedFormat, let imp = folderImporters.first(where: { $0.descriptor.id == forcedFormat }) {
                try runImporter(imp, .directory(path), detection: nil, summary: &summary, onInput: onInput, onEvent: onEvent)
                return
            }
            if forcedFormat == nil, let result = try? registry.detect(probe), result.detection.confidence >= 50 {
                try runImporter(result.importer, .directory(path), detection: result.detection, summary: &summary,
                    onInput: onInput, onEvent: onEvent)
                return
            }
        }
        for entry in entries where !entry.hasPrefix(".") {
            let child = path.hasSuffix("/") ? path + entry : path + "/" + entry
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: child, isDirectory: &isDir) else { continue }
            if isDir.boolValue {
                // Do not follow symbolic links to folders (loops).
                let attrs = try? FileManager.default.attributesOfItem(atPath: child)
                if (attrs?[.type] as? FileAttributeType) == .typeSymbolicLink { continue }
                try importDirectory(child, summary: &summary, onInput: onInput, onEvent: onEvent)
            } else {
                try runOne(child, walked: true, summary: &summary, onInput: onInput, onEvent: onEvent)
            }
        }
    }

    /// A file found by walking a folder that no plugin recognises is skipped
    /// with a note (folders hold READMEs and pictures); a file the user named
    /// is an error.
    private func importFile(
        _ source: ImportSource, head: [UInt8], fileName: String, walked: Bool = false, summary: inout Summary,
        onInput: InputHandler, onEvent: EventHandler
    ) throws {
        let importer: any Importer
        var detection: Detection?
        do {
            if let forcedFormat {
                importer = try registry.importer(forcedFormat)
            } else {
                let result = try registry.detect(FormatProbe(fileName: fileName, head: head), source: source.name)
                importer = result.importer
                detection = result.detection
            }
        } catch {
            if walked && error.code == .noMatchingFormat {
                summary.skipped += 1
                let d = Diagnostic(severity: .note, file: source.name, message: "skipped: no format plugin recognised this file",
                    code: "input.skipped")
                try onEvent(.diagnostic(d), source)
                return
            }
            try fail(source.name, error, &summary, onEvent)
            return
        }
        try runImporter(importer, source, detection: detection, summary: &summary, onInput: onInput, onEvent: onEvent)
    }

    private func runImporter(
        _ importer: any Importer, _ source: ImportSource, detection: Detection?, summary: inout Summary,
        onInput: InputHandler, onEvent: EventHandler
    ) throws {
        summary.files += 1
        onInput(source.name, importer.descriptor.id, detection)
        var local = Summary()
        struct Stop: Error { let error: any Error }
        do {
            let result = try importer.importRecords(from: source, options: options) { event in
                switch event {
                case .contact: local.contacts += 1
                case .interaction: local.interactions += 1
                case .diagnostic(let d):
                    switch d.severity {
                    case .warning: local.warnings += 1
                    case .error: local.errors += 1
                    case .note: break
                    }
                }
                do {
                    try onEvent(event, source)
                } catch {
                    throw Stop(error: error)
                }
            }
            summary.recordsRead += result.recordsRead
            summary.recordsRejected += result.recordsRejected
        } catch let stop as Stop {
            throw stop.error
        } catch let error as PluginError {
            summary.files -= 1
            try fail(source.name, error, &summary, onEvent)
        } catch {
            summary.files -= 1
            try fail(source.name, PluginError(.unreadable, "could not be read", file: source.name, underlying: "\(error)"),
                &summary, onEvent)
        }
        summary.contacts += local.contacts
        summary.interactions += local.interactions
        summary.warnings += local.warnings
        summary.errors += local.errors
    }

    private func fail(_ input: String, _ error: PluginError, _ summary: inout Summary, _ onEvent: EventHandler) throws {
        summary.files += 1
        summary.filesFailed += 1
        summary.errors += 1
        var message = error.message
        if let u = error.underlying { message += " (\(u))" }
        let d = Diagnostic(severity: .error, file: error.file ?? input, locator: Locator(line: error.line), message: message,
            code: "input.\(error.code.rawValue)")
        try onEvent(.diagnostic(d), .bytes([], name: input))
    }
}
