/// The set of format plugins a run can use: a value you build and pass in
/// (`PluginRegistry.standard` in the `Kith` module holds the built-in ones).
///
/// Lookup is by `FormatID`; detection asks every importer about a probe and
/// picks the most confident (earlier registration wins a tie, so a user's
/// plugin registered first takes precedence over a built-in one).
public struct PluginRegistry: Sendable {
    public private(set) var importers: [any Importer] = []
    public private(set) var exporters: [any Exporter] = []

    /// An empty registry.
    public init() {}

    /// Registers a plugin as importer, exporter or both, by what it conforms
    /// to and its descriptor's capabilities. A plugin with the id of one
    /// already registered replaces it.
    public mutating func register(_ plugin: any FormatPlugin) {
        let id = plugin.descriptor.id
        let caps = plugin.descriptor.capabilities
        if caps.contains(.import), let imp = plugin as? any Importer {
            if let i = importers.firstIndex(where: { $0.descriptor.id == id }) {
                importers[i] = imp
            } else {
                importers.append(imp)
            }
        }
        if caps.contains(.export), let exp = plugin as? any Exporter {
            if let i = exporters.firstIndex(where: { $0.descriptor.id == id }) {
                exporters[i] = exp
            } else {
                exporters.append(exp)
            }
        }
    }

    /// Registers `plugin` ahead of every other, so it wins detection ties and
    /// replaces a plugin with the same id.
    public mutating func registerFirst(_ plugin: any FormatPlugin) {
        let id = plugin.descriptor.id
        importers.removeAll { $0.descriptor.id == id }
        exporters.removeAll { $0.descriptor.id == id }
        let caps = plugin.descriptor.capabilities
        if caps.contains(.import), let imp = plugin as? any Importer { importers.insert(imp, at: 0) }
        if caps.contains(.export), let exp = plugin as? any Exporter { exporters.insert(exp, at: 0) }
    }

    /// Every registered plugin's descriptor, one per id, sorted by id.
    public var descriptors: [FormatDescriptor] {
        var byID: [FormatID: FormatDescriptor] = [:]
        for p in importers { byID[p.descriptor.id] = p.descriptor }
        for p in exporters where byID[p.descriptor.id] == nil { byID[p.descriptor.id] = p.descriptor }
        return byID.values.sorted { $0.id < $1.id }
    }

    /// The importer with this id; throws a message listing the known ids.
    public func importer(_ id: FormatID) throws(PluginError) -> any Importer {
        if let p = importers.first(where: { $0.descriptor.id == id }) { return p }
        throw unknown(id, among: importers.map(\.descriptor.id), doing: "read")
    }

    /// The exporter with this id; throws a message listing the known ids.
    public func exporter(_ id: FormatID) throws(PluginError) -> any Exporter {
        if let p = exporters.first(where: { $0.descriptor.id == id }) { return p }
        throw unknown(id, among: exporters.map(\.descriptor.id), doing: "write")
    }

    private func unknown(_ id: FormatID, among ids: [FormatID], doing verb: String) -> PluginError {
        let known = ids.map(\.rawValue).sorted().joined(separator: ", ")
        let exists = descriptors.contains { $0.id == id }
        if exists {
            return PluginError(.unsupportedOperation, "format '\(id)' cannot \(verb); formats that can: \(known)")
        }
        return PluginError(.unknownFormat, "unknown format '\(id)'; known formats that can \(verb): \(known)")
    }

    /// The result of detection: the chosen plugin and every answer given.
    public struct DetectionResult: Sendable {
        /// The most confident importer.
        public var importer: any Importer
        /// Its answer.
        public var detection: Detection
        /// Every importer's answer, most confident first.
        public var answers: [(FormatID, Detection)]
    }

    /// Asks every importer about `probe` and returns the most confident one.
    /// Throws `.noMatchingFormat` naming every plugin tried and its answer
    /// when none has any confidence.
    public func detect(_ probe: FormatProbe, source: String? = nil) throws(PluginError) -> DetectionResult {
        var answers: [(FormatID, Detection)] = []
        var best: (any Importer, Detection)?
        for imp in importers {
            if probe.isDirectory != imp.descriptor.capabilities.contains(.directoryInput) && probe.isDirectory {
                continue
            }
            let d = imp.detect(probe)
            answers.append((imp.descriptor.id, d))
            if d.confidence > 0, best == nil || d.confidence > best!.1.confidence { best = (imp, d) }
        }
        let sorted = answers.enumerated().sorted {
            $0.element.1.confidence != $1.element.1.confidence
                ? $0.element.1.confidence > $1.element.1.confidence : $0.offset < $1.offset
        }.map(\.element)
        guard let best else {
            let tried = sorted.map { "\($0.0) (\($0.1.reason))" }.joined(separator: "; ")
            let what = probe.isDirectory ? "folder" : "file"
            throw PluginError(
                .noMatchingFormat,
                "no format plugin recognised this \(what); tried: \(tried.isEmpty ? "none" : tried). Use --format ID to choose one",
                file: source ?? probe.fileName)
        }
        return DetectionResult(importer: best.0, detection: best.1, answers: sorted)
    }
}
