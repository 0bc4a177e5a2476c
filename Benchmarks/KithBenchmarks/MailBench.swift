import Foundation
import Kith
import KithMail

/// Reads an mbox through the Mail plugin, as `kith convert` does, and checks
/// sender, date and subject against gen_mbox.py's truth file (read line by
/// line beside the import, so memory stays flat).
func benchMail(path: String, truthPath: String?) throws {
    // KITH_MAIL_OPTIONS="threads=1;dedupe=no" passes plugin options.
    var options = PluginOptions()
    for kv in (ProcessInfo.processInfo.environment["KITH_MAIL_OPTIONS"] ?? "").split(separator: ";") {
        let parts = kv.split(separator: "=", maxSplits: 1)
        if parts.count == 2 { options[String(parts[0])] = String(parts[1]) }
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    let truth = truthPath.flatMap { FileManager.default.fileExists(atPath: $0) ? try? ByteStream(path: $0) : nil }
    _ = truth?.readLine()  // header
    var messages = 0, contacts = 0, checked = 0
    var bad = (from: 0, date: 0, subject: 0)
    var shown = 0
    func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }
    // Timed: the import alone.
    var summary = ImportSummary()
    let seconds = try time {
        summary = try MailPlugin().importRecords(from: .file(path), options: options) { event in
            switch event {
            case .interaction: messages += 1
            case .contact: contacts += 1
            case .diagnostic: break
            }
        }
    }
    let peak = peakRSSMegabytes()
    let cpu = cpuSeconds()
    // Untimed: the same import again, compared with the truth.
    if let truth {
        _ = try MailPlugin().importRecords(from: .file(path), options: PluginOptions()) { event in
            guard case .interaction(let i) = event, let row = truth.readLine() else { return }
            let cols = String(decoding: row, as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false)
            guard cols.count >= 5 else { return }
            checked += 1
            let from = i.participants.first { $0.role == .from }?.email?.lowercased() ?? ""
            let date = i.timestamp?.isoString ?? ""
            let subject = collapse(i.subject ?? "")
            var wrong: [String] = []
            if from != cols[2] { bad.from += 1; wrong.append("from") }
            if date != cols[3] { bad.date += 1; wrong.append("date \(date) vs \(cols[3])") }
            if subject != collapse(String(cols[4])) { bad.subject += 1; wrong.append("subject") }
            if !wrong.isEmpty && shown < 5 {
                shown += 1
                print("mismatch at message \(cols[0]): \(wrong.joined(separator: ", "))")
            }
        }
    }
    print("Mail plugin on \(path): \(summary.recordsRead) messages read, \(messages) interactions, \(contacts) contacts")
    line("kith mail import", bytes: size, records: summary.recordsRead, seconds: seconds)
    print(String(format: "cpu %.3f s (user+sys, whole process so far)", cpu))
    if truth != nil {
        print("truth: \(checked) checked; mismatches from=\(bad.from) date=\(bad.date) subject=\(bad.subject)")
    }
    print(String(format: "peak memory %.0f MB (import alone)", peak))
}
