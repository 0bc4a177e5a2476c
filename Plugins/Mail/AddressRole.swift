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
        // On bytes: the local part lower-cased, a "+tag" cut off, and
        // "-", "_", "." removed ("no-reply" and "no_reply" are "noreply").
        address.withBytes { p -> AddressRole? in
            guard let at = p.lastIndex(of: 0x40) else { return nil }
            var squashed: [UInt8] = []
            squashed.reserveCapacity(at)
            var tagged = false
            for var c in p[..<at] {
                if c == 0x2B {
                    tagged = true
                    break
                }
                if c >= 0x41 && c <= 0x5A { c |= 0x20 }
                if c == 0x2D || c == 0x5F || c == 0x2E { continue }
                squashed.append(c)
            }
            let local = String(decoding: squashed, as: UTF8.self)
            if tagged, ["reply", "bounce", "bounces", "noreply"].contains(local) { return .machine }
            if machineNames.contains(local) { return .machine }
            for prefix in machinePrefixes where squashed.starts(with: prefix.utf8) { return .machine }
            for suffix in machineSuffixes where squashed.count > suffix.utf8.count && squashed.reversed().starts(with: suffix.utf8.reversed()) {
                return .machine
            }
            if roleNames.contains(local) { return .role }
            return nil
        }
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
