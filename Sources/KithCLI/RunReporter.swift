import Foundation
import Kith

/// Prints diagnostics (`path:line: severity: message`), a progress bar when
/// standard error is a terminal and the run is long, and the closing summary.
struct RunReporter {
    let quiet: Bool
    private let isTerminal = isatty(2) == 1
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var events = 0
    private var barShown = false

    init(quiet: Bool) { self.quiet = quiet }

    private func err(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }

    mutating func started(_ name: String, format: FormatID, detection: Detection?) {
        guard !quiet else { return }
        clearBar()
        if let detection {
            err("kith: reading \(name) as \(format) (\(detection.reason))\n")
        } else {
            err("kith: reading \(name) as \(format)\n")
        }
    }

    mutating func report(_ d: Diagnostic) {
        if quiet && d.severity != .error { return }
        clearBar()
        err(d.description + "\n")
    }

    /// Called per event; redraws the bar at most five times a second once the
    /// run has taken more than a second.
    mutating func tick(_ source: ImportSource) {
        events += 1
        guard isTerminal, events & 1023 == 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(start) > 1, now.timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = now
        var line = "\r\(source.name): \(events) records"
        if let s = source.openedStream, let total = s.totalBytes, total > 0 {
            let fraction = Double(s.bytesConsumed) / Double(total)
            let width = 30
            let filled = Int(fraction * Double(width))
            line = "\r[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
                + "] \(Int(fraction * 100))% \(source.name)"
        }
        err(line + "\u{1B}[K")
        barShown = true
    }

    private mutating func clearBar() {
        if barShown {
            err("\r\u{1B}[K")
            barShown = false
        }
    }

    mutating func finish(_ s: ImportRunner.Summary) {
        clearBar()
        func n(_ v: Int, _ one: String, _ many: String) -> String { "\(v) \(v == 1 ? one : many)" }
        var line = "kith: \(n(s.files, "file", "files")), \(n(s.recordsRead, "record", "records")) read, "
        line += "\(s.recordsImported) imported, \(s.recordsRejected) rejected; "
        line += "\(n(s.contacts, "contact", "contacts")), \(n(s.interactions, "interaction", "interactions")); "
        line += "\(n(s.warnings, "warning", "warnings")), \(n(s.errors, "error", "errors"))"
        if s.filesFailed > 0 { line += "; \(s.filesFailed) could not be read" }
        if s.skipped > 0 { line += "; \(n(s.skipped, "file", "files")) skipped" }
        let seconds = Date().timeIntervalSince(start)
        line += String(format: " (%.2f s)", seconds)
        err(line + "\n")
    }
}
