import Foundation
public import KithPlugin

/// Finds `kith-plugin-NAME` programs and adds them to a registry.
public enum PluginDiscovery {
    /// The executable name prefix.
    public static let prefix = "kith-plugin-"

    /// Where to look: `extraDirectories` (e.g. `--plugin-path`), then
    /// `KITH_PLUGIN_PATH` (colon-separated), then `PATH`. The first program of
    /// a name wins.
    public static func searchDirectories(extra: [String], environment: [String: String]? = nil) -> [String] {
        let environment = environment ?? ProcessInfo.processInfo.environment
        var dirs = extra
        if let p = environment["KITH_PLUGIN_PATH"] { dirs += p.split(separator: ":").map(String.init) }
        if let p = environment["PATH"] { dirs += p.split(separator: ":").map(String.init) }
        var seen = Set<String>()
        return dirs.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// Executables named `kith-plugin-*` in `directories`, first of each name.
    public static func candidates(in directories: [String]) -> [String] {
        var byName: [String: String] = [:]
        var order: [String] = []
        for dir in directories {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for name in entries.sorted() where name.hasPrefix(prefix) && name.count > prefix.count && byName[name] == nil {
                let path = (dir as NSString).appendingPathComponent(name)
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                    FileManager.default.isExecutableFile(atPath: path)
                else { continue }
                byName[name] = path
                order.append(name)
            }
        }
        return order.map { byName[$0]! }
    }

    /// What discovery found.
    public struct Outcome: Sendable {
        /// Plugins that described themselves correctly.
        public var plugins: [ExternalPlugin] = []
        /// Programs that failed to (one message each, naming the program).
        public var problems: [String] = []
    }

    /// Runs `describe` on every candidate; failures become problems.
    public static func discover(in directories: [String], timeout: Double = 60) -> Outcome {
        var outcome = Outcome()
        for path in candidates(in: directories) {
            do {
                outcome.plugins.append(try ExternalPlugin.describe(executable: path, timeout: timeout))
            } catch {
                outcome.problems.append(error.description)
            }
        }
        return outcome
    }
}

extension PluginRegistry {
    /// Which plugin wins when an external plugin has the id of a built-in one.
    public enum ExternalPriority: String, Sendable, CaseIterable {
        /// The built-in keeps the id; the external one is registered as `ID-external`.
        case builtinFirst = "builtin"
        /// The external one takes the id (and wins detection ties); the built-in
        /// stays reachable as `ID-builtin`.
        case externalFirst = "external"
    }

    /// Adds discovered external plugins. Ids that clash with a registered
    /// plugin are resolved by `priority`, so both stay usable by id.
    public mutating func add(external plugins: [ExternalPlugin], priority: ExternalPriority) {
        for var plugin in plugins {
            let id = plugin.descriptor.id
            let clash = descriptors.contains { $0.id == id }
            if !clash {
                register(plugin)
                continue
            }
            switch priority {
            case .builtinFirst:
                var d = plugin.descriptor
                d.id = FormatID(id.rawValue + "-external")
                plugin = ExternalPlugin(executable: plugin.executable, descriptor: d, timeout: plugin.timeout, quickTimeout: plugin.quickTimeout)
                register(plugin)
            case .externalFirst:
                if let imp = importers.first(where: { $0.descriptor.id == id }) {
                    register(Renamed(base: imp, id: FormatID(id.rawValue + "-builtin")))
                } else if let exp = exporters.first(where: { $0.descriptor.id == id }) {
                    register(Renamed(base: exp, id: FormatID(id.rawValue + "-builtin")))
                }
                registerFirst(plugin)
            }
        }
    }
}

/// A plugin under another id (a built-in displaced by an external plugin).
struct Renamed: Importer, Exporter {
    let base: any FormatPlugin
    let id: FormatID

    var descriptor: FormatDescriptor {
        var d = base.descriptor
        d.id = id
        return d
    }

    func detect(_ probe: FormatProbe) -> Detection {
        (base as? any Importer)?.detect(probe) ?? .no()
    }

    func importRecords(from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void) throws -> ImportSummary {
        guard let imp = base as? any Importer else { throw PluginError(.unsupportedOperation, "cannot import") }
        return try imp.importRecords(from: source, options: options, emit: emit)
    }

    func makeWriter(to sink: ByteSink, options: PluginOptions) throws -> any RecordWriter {
        guard let exp = base as? any Exporter else { throw PluginError(.unsupportedOperation, "cannot export") }
        return try exp.makeWriter(to: sink, options: options)
    }
}
