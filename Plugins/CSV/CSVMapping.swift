import Foundation
import KithPlugin

/// A user's column mapping (`-O mapping=FILE.json`, see docs/csv-mapping.md):
/// what each column holds, plus reading settings for files that need them.
struct CSVMapping {
    /// One mapped column.
    struct Column {
        var spec: FieldSpec
        /// Columns with the same kind and group fill one value (one address).
        var group: String?
    }

    /// False when the file has no header row; columns are then named by their
    /// 1-based position.
    var header = true
    var delimiter: UInt8?
    var encoding: CSVEncoding?
    /// By column name as written, or by 1-based position ("3").
    var columns: [String: Column] = [:]
    private var normalized: [String: Column] = [:]

    /// The mapping for a column, by name (exact, then normalised) or position.
    func column(named name: String, position: Int) -> Column? {
        if let c = columns[name] { return c }
        if let c = normalized[HeaderVocabulary.normalize(name)] { return c }
        return columns[String(position + 1)]
    }

    /// True when some column is mapped by this name.
    func names(_ name: String) -> Bool {
        columns[name] != nil || normalized[HeaderVocabulary.normalize(name)] != nil
    }

    /// Reads a mapping from the option's value: a path to a JSON file, or the
    /// JSON itself when it starts with "{".
    static func load(_ option: String) throws(PluginError) -> CSVMapping {
        let data: Data
        let trimmed = option.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("{") {
            data = Data(trimmed.utf8)
        } else {
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: trimmed))
            } catch {
                throw PluginError(.badOption, "cannot read the CSV mapping file", file: trimmed, underlying: "\(error.localizedDescription)")
            }
        }
        return try parse(data, name: trimmed.hasPrefix("{") ? "mapping" : trimmed)
    }

    static func parse(_ data: Data, name: String) throws(PluginError) -> CSVMapping {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw PluginError(.badOption, "the CSV mapping is not valid JSON", file: name, underlying: "\(error.localizedDescription)")
        }
        guard let root = object as? [String: Any] else {
            throw PluginError(.badOption, "the CSV mapping must be a JSON object with a \"columns\" object", file: name)
        }
        var m = CSVMapping()
        if let h = root["header"] as? Bool { m.header = h }
        if let d = root["delimiter"] as? String {
            let bytes = Array((d == "\\t" || d.lowercased() == "tab" ? "\t" : d).utf8)
            guard bytes.count == 1 else {
                throw PluginError(.badOption, "the mapping's \"delimiter\" must be one ASCII character", file: name)
            }
            m.delimiter = bytes[0]
        }
        if let e = root["encoding"] as? String {
            guard let enc = CSVEncoding.named(e) else {
                throw PluginError(.badOption, "the mapping names an unknown encoding '\(e)'", file: name)
            }
            m.encoding = enc
        }
        guard let cols = root["columns"] as? [String: Any] else {
            throw PluginError(.badOption, "the CSV mapping needs a \"columns\" object (column name → field)", file: name)
        }
        for (column, value) in cols {
            var target: String
            var group: String?
            var labels: [String]?
            var preferred = false
            var key: String?
            if let s = value as? String {
                target = s
            } else if let o = value as? [String: Any], let f = o["field"] as? String {
                target = f
                if let g = o["group"] { group = "\(g)" }
                labels = o["labels"] as? [String]
                preferred = (o["preferred"] as? Bool) ?? false
                key = o["key"] as? String
            } else {
                throw PluginError(.badOption, "column '\(column)' of the mapping: expected a field name or an object with \"field\"", file: name)
            }
            guard var spec = FieldSpec.parse(target) else {
                throw PluginError(
                    .badOption, "column '\(column)' of the mapping: unknown field '\(target)' (see docs/csv-mapping.md)", file: name)
            }
            if let labels { spec.labels = labels }
            if preferred { spec.preferred = true }
            if let key { spec.key = key }
            let c = Column(spec: spec, group: group)
            m.columns[column] = c
            m.normalized[HeaderVocabulary.normalize(column)] = c
        }
        return m
    }
}
