import Foundation
import Synchronization
internal import KithJSON
internal import KithModel
public import KithPlugin

/// A format plugin that is a separate program, `kith-plugin-NAME`, speaking
/// the JSON Lines protocol of docs/external-plugins.md on stdin/stdout.
///
/// Every call runs the program as a child process. Nothing it prints is
/// trusted: records are parsed and validated like any other input, and a
/// plugin that crashes, hangs (no output for `timeout` seconds) or prints
/// garbage costs a diagnostic naming it, never the run.
public struct ExternalPlugin: Importer, Exporter {
    /// The protocol version this Kith speaks.
    public static let protocolVersion = 1

    /// The program's path.
    public let executable: String
    public let descriptor: FormatDescriptor
    /// Seconds a plugin may stay silent during import/export before it is killed.
    public var timeout: Double
    /// Seconds for `describe` and `detect`.
    public var quickTimeout: Double

    public init(executable: String, descriptor: FormatDescriptor, timeout: Double = 60, quickTimeout: Double = 5) {
        self.executable = executable
        self.descriptor = descriptor
        self.timeout = timeout
        self.quickTimeout = quickTimeout
    }

    private var label: String { "plugin \(descriptor.id) (\(executable))" }

    // MARK: - describe

    /// Asks the program to describe itself; throws a message naming what was wrong.
    public static func describe(executable: String, quickTimeout: Double = 5, timeout: Double = 60) throws(PluginError)
        -> ExternalPlugin
    {
        let r = ChildProcess.run(executable: executable, arguments: ["describe"], input: [], timeout: quickTimeout, maxOutput: 65_536)
        let name = (executable as NSString).lastPathComponent
        guard r.ending == .exited(0) else {
            throw PluginError(.malformed, "external plugin \(name) failed to describe itself: \(describe(r.ending))\(r.stderr.isEmpty ? "" : "; it said: \(r.stderr)")", file: executable)
        }
        let line = r.output.split(separator: 10).first.map(Array.init) ?? []
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
            throw PluginError(.malformed, "external plugin \(name) printed something other than a JSON object for 'describe'", file: executable)
        }
        guard let version = object["protocol"] as? Int, version == protocolVersion else {
            throw PluginError(.malformed, "external plugin \(name) speaks protocol \(object["protocol"] ?? "none"); this Kith speaks \(protocolVersion)", file: executable)
        }
        guard let id = object["id"] as? String, isValidID(id) else {
            throw PluginError(.malformed, "external plugin \(name) gave no valid \"id\" (lower-case letters, digits, '-')", file: executable)
        }
        var caps: FormatCapabilities = []
        if object["import"] as? Bool == true { caps.insert(.import) }
        if object["export"] as? Bool == true { caps.insert(.export) }
        if caps.isEmpty {
            throw PluginError(.malformed, "external plugin \(name) can neither import nor export", file: executable)
        }
        let d = FormatDescriptor(
            id: FormatID(id), name: (object["name"] as? String) ?? id, summary: (object["summary"] as? String) ?? "",
            fileExtensions: ((object["extensions"] as? [String]) ?? []).map { $0.lowercased() },
            mediaTypes: (object["mediaTypes"] as? [String]) ?? [], capabilities: caps, origin: executable)
        return ExternalPlugin(executable: executable, descriptor: d, timeout: timeout, quickTimeout: quickTimeout)
    }

    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }

    static func describe(_ e: ChildProcess.Ending) -> String {
        switch e {
        case .exited(let c): "exit status \(c)"
        case .signalled(let s): "crashed (signal \(s))"
        case .timedOut: "timed out"
        }
    }

    // MARK: - detect

    /// Asks the program, but only for files with one of its declared
    /// extensions (or any file when it declares none): spawning a process per
    /// file and plugin would make folder walks slow.
    public func detect(_ probe: FormatProbe) -> Detection {
        guard !probe.isDirectory else { return .no("reads files only") }
        if !descriptor.fileExtensions.isEmpty && !descriptor.fileExtensions.contains(probe.fileExtension) {
            return .no("extension not one of \(descriptor.fileExtensions.joined(separator: ", "))")
        }
        let request: [String: Any] = [
            "protocol": Self.protocolVersion, "file": probe.fileName, "head": Data(probe.head).base64EncodedString(),
        ]
        guard var input = try? JSONSerialization.data(withJSONObject: request) else { return .no("cannot encode request") }
        input.append(10)
        let r = ChildProcess.run(executable: executable, arguments: ["detect"], input: Array(input), timeout: quickTimeout, maxOutput: 65_536)
        guard r.ending == .exited(0),
            let line = r.output.split(separator: 10).first,
            let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
            let confidence = object["confidence"] as? Int
        else {
            return .no("\(label) did not answer 'detect' (\(Self.describe(r.ending)))")
        }
        return Detection(confidence: confidence, reason: (object["reason"] as? String) ?? "external plugin \(descriptor.id)")
    }

    // MARK: - import

    public func importRecords(
        from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void
    ) throws -> ImportSummary {
        // The plugin reads the file itself; standard input or memory is
        // copied to a temporary file first.
        var path = source.path
        var temporary: String?
        if path == nil {
            let tmp = NSTemporaryDirectory() + "kith-ext-\(UUID().uuidString)"
            let stream = try source.openStream()
            _ = FileManager.default.createFile(atPath: tmp, contents: nil)
            guard let h = FileHandle(forWritingAtPath: tmp) else {
                throw PluginError(.unwritable, "cannot create a temporary file for \(label)", file: source.name)
            }
            while let chunk = stream.read() { h.write(Data(chunk)) }
            try? h.close()
            path = tmp
            temporary = tmp
        }
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }

        let child = ChildProcess(executable: executable, arguments: ["import"])
        do {
            try child.start()
        } catch {
            throw PluginError(.unreadable, "cannot start \(label): \(error.reason)", file: source.name)
        }
        let request: [String: Any] = ["protocol": Self.protocolVersion, "file": path!, "options": options.values]
        var input = (try? JSONSerialization.data(withJSONObject: request)) ?? Data()
        input.append(10)
        Array(input).withUnsafeBufferPointer { _ = child.writeInput($0) }
        child.closeInput()
        child.armWatchdog(inactivity: timeout)

        let stream = ByteStream(fileDescriptor: child.stdoutFD, chunkSize: 64 * 1024)
        var summary = ImportSummary()
        var reported: ImportSummary?
        var lineNumber = 0
        var records = 0
        var invalid = 0
        let id = descriptor.id.rawValue
        func reject(_ message: String) throws {
            invalid += 1
            try emit(.diagnostic(Diagnostic(severity: .error, file: source.name, locator: Locator(line: lineNumber, path: "plugin output"),
                message: "\(label) printed an invalid line: \(message)", code: "external.invalid-output")))
        }
        do {
            while true {
                var decoded: Result<CanonicalRecord, JSONLError>?
                var summaryLine: [UInt8]?
                guard stream.withNextLine({ line, _ in
                    child.touch()
                    lineNumber += 1
                    if line.isEmpty { return }
                    if Self.isSummaryLine(line) {
                        summaryLine = Array(line)
                        return
                    }
                    do throws(JSONLError) {
                        decoded = .success(try JSONLReader.decode(line))
                    } catch {
                        decoded = .failure(error)
                    }
                }) != nil else { break }
                if let summaryLine {
                    guard let o = (try? JSONSerialization.jsonObject(with: Data(summaryLine))) as? [String: Any],
                        let read = o["recordsRead"] as? Int, let rejected = o["recordsRejected"] as? Int, read >= 0, rejected >= 0,
                        rejected <= read
                    else {
                        try reject("a malformed summary")
                        continue
                    }
                    reported = ImportSummary(recordsRead: read, recordsRejected: rejected)
                    continue
                }
                switch decoded {
                case .none: continue
                case .failure(let e): try reject(e.description)
                case .success(let record):
                    records += 1
                    switch record {
                    case .contact(var c):
                        if c.id.isEmpty { c.id = StableID.record(plugin: id, file: source.name, locator: Locator(record: records)) }
                        c.sources = Self.validated(c.sources, plugin: id, file: source.name, record: records)
                        try emit(.contact(c))
                    case .interaction(var i):
                        if i.id.isEmpty { i.id = StableID.record(plugin: id, file: source.name, locator: Locator(record: records)) }
                        i.sources = Self.validated(i.sources, plugin: id, file: source.name, record: records)
                        try emit(.interaction(i))
                    case .diagnostic(var d):
                        // A plugin speaks only about the file it was given.
                        d.file = source.name
                        try emit(.diagnostic(d))
                    }
                }
            }
        } catch {
            child.kill()
            _ = child.wait(timeout: 5)
            throw error
        }
        let ending = child.wait(timeout: timeout)
        if ending != .exited(0) {
            let said = child.stderrSummary
            try emit(.diagnostic(Diagnostic(severity: .error, file: source.name, locator: Locator(line: lineNumber, path: "plugin output"),
                message: "\(label) \(Self.describe(ending)) after \(records) records\(said.isEmpty ? "" : "; it said: \(said)")",
                code: "external.failed")))
        }
        if let reported {
            summary = reported
        } else {
            summary = ImportSummary(recordsRead: records, recordsRejected: 0)
        }
        // Lines we could not accept are input records the user lost: count them.
        summary.recordsRead += invalid
        summary.recordsRejected += invalid
        if ending != .exited(0) && records == 0 && invalid == 0 {
            throw PluginError(.unreadable, "\(label) \(Self.describe(ending)) before producing anything", file: source.name)
        }
        return summary
    }

    static func isSummaryLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        // Cheap check before parsing: the protocol's summary record.
        guard line.count < 512 else { return false }
        return String(decoding: line, as: UTF8.self).contains("\"kind\":\"summary\"")
    }

    static func validated(_ sources: [Provenance], plugin: String, file: String, record: Int) -> [Provenance] {
        if sources.isEmpty { return [Provenance(plugin: plugin, file: file, locator: Locator(record: record))] }
        return sources.map { s in
            var s = s
            s.plugin = plugin
            s.file = file
            return s
        }
    }

    // MARK: - export

    public func makeWriter(to sink: ByteSink, options: PluginOptions) throws -> any RecordWriter {
        try ExternalWriter(plugin: self, sink: sink, options: options)
    }
}

/// Streams records to the plugin's standard input while a thread collects its
/// standard output, which is copied to the sink when the plugin ends.
final class ExternalWriter: RecordWriter {
    private let plugin: ExternalPlugin
    private let sink: ByteSink
    private let child: ChildProcess
    private var writer = JSONLWriter()
    private let collected = Locked<[UInt8]>([])
    private let readerDone = DispatchSemaphore(value: 0)
    private var broken = false

    init(plugin: ExternalPlugin, sink: ByteSink, options: PluginOptions) throws {
        self.plugin = plugin
        self.sink = sink
        child = ChildProcess(executable: plugin.executable, arguments: ["export"])
        do {
            try child.start()
        } catch {
            throw PluginError(.unwritable, "cannot start plugin \(plugin.descriptor.id): \(error.reason)")
        }
        child.armWatchdog(inactivity: plugin.timeout)
        let fd = child.stdoutFD
        let collected = self.collected
        let done = readerDone
        let child = self.child
        Thread.detachNewThread {
            var buf = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress!, 65_536) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                child.touch()
                collected.withLock { $0.append(contentsOf: buf[0..<n]) }
            }
            done.signal()
        }
        let request: [String: Any] = ["protocol": ExternalPlugin.protocolVersion, "options": options.values]
        var header = (try? JSONSerialization.data(withJSONObject: request)) ?? Data()
        header.append(10)
        Array(header).withUnsafeBufferPointer { if !child.writeInput($0) { broken = true } }
    }

    func write(_ record: CanonicalRecord) throws {
        guard !broken else { return }
        writer.append(record)
        if writer.buffer.count >= 64 * 1024 { flushToChild() }
    }

    private func flushToChild() {
        writer.buffer.withBytes { if !child.writeInput($0) { broken = true } }
        writer.buffer.removeAll()
    }

    func finish() throws {
        if !broken { flushToChild() }
        child.closeInput()
        let ending = child.wait(timeout: plugin.timeout)
        _ = readerDone.wait(timeout: .now() + 5)
        guard ending == .exited(0) else {
            let said = child.stderrSummary
            throw PluginError(.unwritable, "plugin \(plugin.descriptor.id) (\(plugin.executable)) \(ExternalPlugin.describe(ending)) while exporting\(said.isEmpty ? "" : "; it said: \(said)")")
        }
        try sink.write(collected.withLock { $0 })
        try sink.flush()
    }
}
