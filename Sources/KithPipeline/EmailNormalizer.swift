/// An e-mail address in comparison form.
public struct NormalizedEmail: Hashable, Sendable {
    /// Lower case; `googlemail.com` read as `gmail.com`; for Gmail the dots of
    /// the local part dropped; a `+tag` dropped everywhere.
    public var canonical: String
    /// The local part of ``canonical``.
    public var local: String
    /// The domain of ``canonical``.
    public var domain: String
    /// A role or machine mailbox (`info@`, `sales@`, `noreply@`, list
    /// addresses) that many people share or nobody owns: it says little about
    /// who a record is.
    public var isRole: Bool
}

/// Derives the comparison form of e-mail addresses.
public enum EmailNormalizer {
    static let roleLocals: Set<String> = [
        "info", "sales", "support", "contact", "admin", "administrator", "office", "hello", "hi", "team", "noreply",
        "no-reply", "donotreply", "do-not-reply", "billing", "help", "helpdesk", "enquiries", "enquiry", "inquiries",
        "marketing", "hr", "jobs", "careers", "press", "media", "webmaster", "postmaster", "hostmaster", "abuse",
        "mail", "accounts", "accounting", "service", "customerservice", "orders", "news", "newsletter", "reception",
        "team", "general", "feedback", "security", "privacy", "legal", "finance", "invoices", "notifications",
        "notification", "alerts", "bounce", "bounces", "mailer-daemon", "root", "all", "staff", "everyone", "list",
    ]
    static let listMarkers = ["-request", "-owner", "-bounces", "-unsubscribe", "-subscribe", "-announce", "-devel", "-users"]

    /// Normalises `address`; nil when it has no `@` with text on both sides.
    public static func normalize(_ address: String) -> NormalizedEmail? {
        var a = address.utf8.count < 256 ? Substring(address) : Substring(address.prefix(255))
        a = a.drop(while: { $0 == " " || $0 == "<" || $0 == "\t" })
        while let last = a.last, last == " " || last == ">" || last == "\t" || last == "." { a = a.dropLast() }
        var s = a.lowercased()
        if s.hasPrefix("mailto:") { s.removeFirst(7) }
        guard let at = s.lastIndex(of: "@") else { return nil }
        var local = String(s[..<at])
        var domain = String(s[s.index(after: at)...])
        guard !local.isEmpty, !domain.isEmpty else { return nil }
        if domain == "googlemail.com" { domain = "gmail.com" }
        let base: String
        if let plus = local.firstIndex(of: "+"), plus != local.startIndex {
            base = String(local[..<plus])
            local = base
        } else {
            base = local
        }
        if domain == "gmail.com" { local.removeAll { $0 == "." } }
        let isRole = roleLocals.contains(base) || listMarkers.contains { base.hasSuffix($0) }
            || base.hasPrefix("noreply") || base.hasPrefix("no-reply") || base.hasPrefix("bounce")
        return NormalizedEmail(canonical: local + "@" + domain, local: local, domain: domain, isRole: isRole)
    }

    /// Country code top-level domain → ISO 3166 region, for phone hints
    /// ("web.de" → "DE"; "co.uk" → "GB"). Nil for generic domains.
    static func regionHint(domain: String) -> String? {
        guard let dot = domain.lastIndex(of: ".") else { return nil }
        let tld = domain[domain.index(after: dot)...]
        guard tld.count == 2 else { return nil }
        switch tld {
        case "uk": return "GB"
        case "io", "co", "ai", "me", "tv", "cc", "ly", "fm", "to", "ws", "eu", "su": return nil
        default: return tld.uppercased()
        }
    }
}
