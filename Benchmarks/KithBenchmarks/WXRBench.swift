import Foundation
import Kith
import KithBlog

/// Streams a WordPress export through the WXR importer, counting what it
/// emits: MB/s, comments/s and peak memory (compare with
/// ../shared/bench/peers/lxml_wxr.py on the same file).
func benchWXR(path: String, options: PluginOptions = PluginOptions()) throws {
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    var comments = 0, posts = 0, contacts = 0, diagnostics = 0
    var types: [String: Int] = [:]
    var summary = ImportSummary()
    let seconds = try time {
        summary = try WXRPlugin().importRecords(from: .file(path), options: options) { event in
            switch event {
            case .interaction(let i):
                if i.type == .post || i.type == .page {
                    posts += 1
                } else {
                    comments += 1
                    types[i.type.rawValue, default: 0] += 1
                }
            case .contact: contacts += 1
            case .diagnostic: diagnostics += 1
            }
        }
    }
    print("WXR \(path): \(size) bytes")
    print(String(format: "kith wxr importer %9.1f MB/s %11.0f comments/s %8.3f s", Double(size) / 1e6 / seconds, Double(comments) / seconds, seconds))
    print("records read \(summary.recordsRead), rejected \(summary.recordsRejected); posts/pages \(posts), comments \(comments) (\(types.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ","))), contacts \(contacts), diagnostics \(diagnostics)")
    print(String(format: "peak memory %.0f MB", peakRSSMegabytes()))
}
