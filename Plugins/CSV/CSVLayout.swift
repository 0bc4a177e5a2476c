import Foundation

/// A recognised CSV layout: which exporter wrote the file and in which
/// language its headers are.
struct CSVLayout: Equatable {
    enum Family: String, CaseIterable {
        case googleCurrent, googleLegacy, googleOutlook, outlookDesktop, outlook97, outlookCom
        case linkedIn, thunderbird, yahoo, apple, generic
        /// The generic layout Kith writes: only its own column names carry
        /// fields; every other column is an extension field, whatever its name.
        case kith
    }

    var family: Family
    /// ISO 639-1 code of the header language.
    var language: String

    /// The vocabulary family whose names win ties for this layout.
    var vocabularyFamily: String {
        switch family {
        case .googleCurrent, .googleLegacy: "g"
        case .googleOutlook, .outlookDesktop, .outlook97, .outlookCom: "ol"
        case .linkedIn: "li"
        case .thunderbird: "tb"
        case .yahoo: "y"
        case .apple: "ap"
        case .generic, .kith: "*"
        }
    }

    /// True for layouts whose "Title" column is the name prefix.
    var titleIsPrefix: Bool { vocabularyFamily == "ol" }

    /// True for layouts that spreadsheets open (formula neutralisation is undone on read).
    var isSpreadsheetExport: Bool { family != .generic && family != .kith }

    /// The name shown to users: "Outlook desktop, German headers".
    var displayName: String {
        let base: String
        switch family {
        case .googleCurrent: base = "Google Contacts"
        case .googleLegacy: base = "Google Contacts (legacy)"
        case .googleOutlook: base = "Google Contacts, Outlook CSV"
        case .outlookDesktop: base = "Outlook desktop"
        case .outlook97: base = "Outlook 97/2000"
        case .outlookCom: base = "Outlook.com / Windows People"
        case .linkedIn: base = "LinkedIn Connections"
        case .thunderbird: base = "Thunderbird"
        case .yahoo: base = "Yahoo Contacts"
        case .apple: base = "Apple Contacts"
        case .generic: base = "generic"
        case .kith: base = "generic (Kith)"
        }
        guard language != "en", let lang = CSVLayout.languageNames[language] else { return base }
        return "\(base), \(lang) headers"
    }

    static let languageNames = [
        "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch", "pt": "Portuguese",
    ]

    /// Recognises a layout from the header row by its fingerprint: a few
    /// column names only one exporter writes, then the families of all names.
    static func detect(headers: [String]) -> CSVLayout {
        let keys = headers.map(HeaderVocabulary.normalize)
        let set = Set(keys)
        let language = detectLanguage(keys)
        func has(_ k: String) -> Bool { set.contains(k) }
        var familyCounts: [String: Int] = [:]
        for k in set {
            let entries = HeaderVocabulary.lookup(k)
            for f in Set(entries.map(\.family)) where f != "*" { familyCounts[f, default: 0] += 1 }
        }
        let groupSuffixes = headers.compactMap { h -> String? in
            guard let dash = h.range(of: " - ", options: .backwards) else { return nil }
            return HeaderVocabulary.normalize(String(h[dash.upperBound...]))
        }
        // Kith's own generic layout ("Email 1 Label", "Address 1 Street") is
        // read as generic even when extension columns carry vendor names.
        let kithGeneric = headers.contains {
            isKithColumn($0) && ($0.hasSuffix(" Label") || $0.hasPrefix("Address ") || $0.hasPrefix("Organization "))
        }
        let family: Family
        if kithGeneric {
            family = .kith
        } else if has("connectedon") {
            family = .linkedIn
        } else if groupSuffixes.contains("label") {
            family = .googleCurrent
        } else if groupSuffixes.contains("type") || has("groupmembership") {
            family = .googleLegacy
        } else if has("primaryemail") || has("birthyear") || (familyCounts["tb"] ?? 0) >= 2 {
            family = .thunderbird
        } else if has("givenyomi") || has("surnameyomi") {
            family = .outlookCom
        } else if (has("homeaddress") && has("homestreet")) || (has("businessaddress") && has("businessstreet")) {
            family = .googleOutlook
        } else if has("emaildisplayname") || has("emailtype") || (familyCounts["ol"] ?? 0) >= 3 {
            family = has("businesscountry") && !has("businesscountryregion") ? .outlook97 : .outlookDesktop
        } else if has("messengerid") || has("alternateemail1") || (has("first") && has("last")) {
            family = .yahoo
        } else if has("iphone") || has("phoneiphone") || (has("phoneticfirstname") && !has("labels")) || has("maidenname") {
            family = .apple
        } else {
            family = .generic
        }
        return CSVLayout(family: family, language: language)
    }

    /// The column names Kith's generic writer uses, with the number as "#".
    static let kithColumns: Set<String> = {
        var s: Set<String> = [
            "ID", "Name", "Name Prefix", "Given Name", "Middle Name", "Family Name", "Name Suffix", "Phonetic Given Name",
            "Phonetic Family Name", "Birthday", "Gender", "Photo", "Categories", "Nickname #", "Anniversary #", "Note #",
        ]
        for k in ["Email", "Phone", "URL", "Handle", "Related"] { s.formUnion(["\(k) #", "\(k) # Label"]) }
        for p in ["Label", "Street", "Extended", "PO Box", "City", "Region", "Postal Code", "Country", "Formatted"] { s.insert("Address # \(p)") }
        for p in ["Name", "Department", "Title", "Role"] { s.insert("Organization # \(p)") }
        return s
    }()

    /// True when `header` is one of the generic writer's own column names.
    static func isKithColumn(_ header: String) -> Bool {
        var out = ""
        var inDigits = false
        var replaced = false
        for ch in header {
            if ch.isASCII && ch.isNumber && !replaced {
                if !inDigits { out.append("#") }
                inDigits = true
                continue
            }
            if inDigits { replaced = true }
            inDigits = false
            out.append(ch)
        }
        return kithColumns.contains(out)
    }

    /// The language most header names belong to; English unless another
    /// language has more names that are not also English.
    static func detectLanguage(_ keys: [String]) -> String {
        var counts: [String: Int] = [:]
        var english = 0
        for k in keys {
            let entries = HeaderVocabulary.lookup(k)
            if entries.isEmpty { continue }
            let langs = Set(entries.flatMap(\.languages))
            if langs.contains("en") {
                english += 1
                continue
            }
            for l in langs { counts[l, default: 0] += 1 }
        }
        guard let best = counts.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }),
            best.value > english
        else { return "en" }
        return best.key
    }
}
