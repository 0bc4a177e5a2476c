/// What kind of mailbox an address is, when it is not a person's own.
///
/// Kept on contacts as the extension `kith:role` (and in `type`): people
/// stay `individual` with no role; `machine` and `role` addresses become
/// `organization` contacts; mailing lists become `group` contacts. A
/// deduplicating pipeline should not merge a person with `info@` of their
/// company, nor count `noreply@` as a friend.
public enum AddressRole: String, Sendable, CaseIterable {
    /// Sent by software, nobody reads replies: noreply, mailer-daemon,
    /// notifications, bounces.
    case machine
    /// A shared mailbox people answer: info, support, sales, office.
    case role
    /// A mailing list (from `List-Id`/`List-Post`).
    case mailingList = "mailing-list"

    /// The role suggested by an address's local part; nil for what looks
    /// like a person.
    public static func classify(address: String) -> AddressRole? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        var local = address[..<at].lowercased()
        if let plus = local.firstIndex(of: "+") {
            let tag = local[..<plus]
            if tag == "reply" || tag == "bounce" || tag == "bounces" || tag == "noreply" { return .machine }
            local = String(tag)
        }
        let squashed = local.filter { $0 != "-" && $0 != "_" && $0 != "." }
        if machineNames.contains(squashed) { return .machine }
        for p in machinePrefixes where squashed.hasPrefix(p) { return .machine }
        for s in machineSuffixes where squashed.hasSuffix(s) && squashed.count > s.count { return .machine }
        if roleNames.contains(squashed) { return .role }
        return nil
    }

    private static let machineNames: Set<String> = [
        "mailerdaemon", "postmaster", "daemon", "bounce", "bounces", "notification", "notifications", "notify", "alert",
        "alerts", "automated", "automailer", "autoreply", "autoresponder", "newsletter", "newsletters", "news", "updates",
        "update", "digest", "calendar", "calendarnotification", "mailer", "mailman", "majordomo", "listserv", "robot",
        "system", "root", "nobody", "donotreply", "dontreply", "invitations", "invite", "receipts",
        "messages", "msg", "notices", "announce", "announcements", "marketing", "promo", "promotions",
        "automail", "reminder", "reminders", "scheduler", "jira", "github", "gitlab", "builds", "ci", "cron",
    ]
    private static let machinePrefixes = ["noreply", "norepl", "donotreply", "dontreply", "mailerdaemon", "bounce", "notification"]
    private static let machineSuffixes = ["noreply", "notifications", "notification", "bounces", "daemon"]
    private static let roleNames: Set<String> = [
        "info", "information", "support", "help", "helpdesk", "sales", "office", "contact", "contactus", "hello", "hi",
        "team", "admin", "administrator", "webmaster", "hostmaster", "abuse", "security", "privacy", "legal", "press",
        "media", "jobs", "careers", "hr", "recruiting", "accounts", "accounting", "finance", "invoices", "billing",
        "orders", "order", "shop", "store", "feedback", "enquiries", "inquiries", "reception", "mail", "email", "service",
        "customerservice", "kundenservice", "bureau", "buero", "kontakt", "secretariat", "events", "community",
    ]
}
