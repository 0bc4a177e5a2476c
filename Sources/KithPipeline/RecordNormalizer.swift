public import KithModel

/// One contact in comparison form: what the matcher compares. Display values
/// stay on the `Contact`; nothing here is written out.
public struct NormalizedRecord: Hashable, Sendable {
    /// The parsed name.
    public var name: ParsedName
    /// E-mail addresses in comparison form.
    public var emails: [NormalizedEmail]
    /// Phone numbers in comparison form, in the contact's order.
    public var phones: [NormalizedPhone]
    /// The first organisation's name, folded, legal form dropped.
    public var organization: String
    /// The first address's locality, folded, well-known exonyms mapped.
    public var city: String
    /// The first address's postal code, upper case without spaces.
    public var postcode: String
    /// The first address's street, folded.
    public var street: String
    /// The first address's region (state, province), folded.
    public var region: String
    /// Birthday as yyyymmdd with zeros for unknown parts (0 = none).
    public var birthDate: Int32
    /// Official identifiers found among the extension fields (see
    /// ``RecordNormalizer/identifierKeys``), folded.
    public var identifiers: [String]
    /// URLs and handles, folded ("example.org/blog", "twitter:anna").
    public var web: [String]
}

/// Derives a ``NormalizedRecord`` from a `Contact`.
public struct RecordNormalizer: Sendable {
    /// The region used for numbers without a country code when the contact
    /// gives no better hint (ISO 3166 alpha-2, "US").
    public var defaultRegion: String
    /// The nickname table.
    public var nicknames: NicknameTable

    /// A normaliser for numbers of `defaultRegion` (ISO 3166 alpha-2).
    public init(defaultRegion: String, nicknames: NicknameTable = .standard) {
        self.defaultRegion = defaultRegion.uppercased()
        self.nicknames = nicknames
    }

    /// Extension keys (lower case, `_`/`-`/space ignored) whose values are
    /// official identifiers compared as such: social security and national
    /// insurance numbers, tax ids, passports.
    public static let identifierKeys: Set<String> = [
        "socsecid", "ssn", "socialsecuritynumber", "nationalid", "nationalidentifier", "nino", "taxid", "tin",
        "passport", "passportnumber", "personnummer", "idnumber",
    ]

    static let legalForms: Set<String> = [
        "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "gmbh", "ag", "corp", "corporation", "co", "company",
        "plc", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy", "ab", "as", "asa", "kg", "pty", "pvt", "kk", "se", "ug",
    ]

    /// City names written differently in different languages or as
    /// abbreviations, folded, mapped to one form (general knowledge).
    static let cityAliases: [String: String] = [
        "nyc": "new york", "new york city": "new york", "ny": "new york", "la": "los angeles", "sf": "san francisco",
        "munich": "munchen", "muenchen": "munchen", "cologne": "koln", "koeln": "koln", "nuremberg": "nurnberg",
        "nuernberg": "nurnberg", "hanover": "hannover", "duesseldorf": "dusseldorf", "vienna": "wien",
        "prague": "praha", "florence": "firenze", "milan": "milano", "rome": "roma", "turin": "torino",
        "naples": "napoli", "venice": "venezia", "lisbon": "lisboa", "moscow": "moskva", "warsaw": "warszawa",
        "cracow": "krakow", "copenhagen": "kobenhavn", "gothenburg": "goteborg", "the hague": "den haag",
        "brussels": "bruxelles", "brussel": "bruxelles", "antwerp": "antwerpen", "marseilles": "marseille",
        "lyons": "lyon", "geneva": "geneve", "genf": "geneve", "zurich": "zurich", "athens": "athina",
        "bombay": "mumbai", "calcutta": "kolkata", "madras": "chennai", "peking": "beijing", "saigon": "ho chi minh city",
        "st petersburg": "saint petersburg", "sankt petersburg": "saint petersburg", "seville": "sevilla",
        "saragossa": "zaragoza", "bucharest": "bucuresti", "belgrade": "beograd", "kiev": "kyiv", "kiew": "kyiv",
    ]

    /// Normalises one contact.
    public func normalize(_ c: Contact) -> NormalizedRecord {
        var cache = PhoneCache()
        return normalize(c, phoneCache: &cache)
    }

    /// Remembers parsed numbers: the same text with the same hints parses
    /// the same way, and exports repeat numbers (switchboards, duplicates).
    struct PhoneCache {
        var entries: [String: NormalizedPhone] = [:]
        var regions: [String: String] = [:]

        mutating func normalize(_ raw: String, defaultRegion: String, hints: [String]) -> NormalizedPhone {
            let key = hints.isEmpty ? raw : raw + "\u{1F}" + hints.joined(separator: ",")
            if let hit = entries[key] { return hit }
            if entries.count > 200_000 { entries.removeAll(keepingCapacity: true) }
            let v = PhoneNormalizer.normalize(raw, defaultRegion: defaultRegion, hints: hints)
            entries[key] = v
            return v
        }

        mutating func region(of e164: String) -> String? {
            if let r = regions[e164] { return r.isEmpty ? nil : r }
            let r = PhoneNormalizer.region(ofE164: e164)
            if regions.count > 200_000 { regions.removeAll(keepingCapacity: true) }
            regions[e164] = r ?? ""
            return r
        }
    }

    /// Normalises one contact, parsing phone numbers through `phoneCache`.
    func normalize(_ c: Contact, phoneCache: inout PhoneCache) -> NormalizedRecord {
        var name = NameParser.parse(c.name)
        if name.isEmpty, let nick = c.nicknames.first { name = NameParser.parseFormatted(nick) }
        let emails = c.emails.compactMap { EmailNormalizer.normalize($0.address) }
        // Region hints: the address country, then e-mail country domains.
        var hints: [String] = []
        for a in c.addresses {
            if let country = a.country, let r = Self.regionCode(country) { hints.append(r) }
        }
        for e in emails { if let r = EmailNormalizer.regionHint(domain: e.domain) { hints.append(r) } }
        var phones: [NormalizedPhone] = []
        for p in c.phones {
            if let e164 = p.e164, e164.hasPrefix("+") {
                phones.append(phoneCache.normalize(e164, defaultRegion: defaultRegion, hints: []))
                continue
            }
            // A number written internationally in the same record is the best hint.
            var local = hints
            for q in phones where q.isValid {
                if let e = q.e164, let r = phoneCache.region(of: e), !local.contains(r) { local.insert(r, at: 0) }
            }
            phones.append(phoneCache.normalize(p.raw, defaultRegion: defaultRegion, hints: local))
        }
        let org = c.organizations.first { !($0.name ?? "").isEmpty }?.name.map(Self.foldOrganization) ?? ""
        let address = c.addresses.first { !$0.isEmpty }
        var city = address?.locality.map { TextFolding.fold($0) } ?? ""
        if let alias = Self.cityAliases[city] { city = alias }
        if city.hasPrefix("st ") { city = "saint " + city.dropFirst(3) }
        let postcode = address?.postalCode.map { pc in
            String(String.UnicodeScalarView(pc.uppercased().unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }))
        } ?? ""
        let street = address?.street.map { TextFolding.fold($0) } ?? ""
        let region = address?.region.map { TextFolding.fold($0) } ?? ""
        var birth: Int32 = 0
        if let b = c.birthday { birth = Int32((b.year ?? 0) * 10000 + (b.month ?? 0) * 100 + (b.day ?? 0)) }
        var identifiers: [String] = []
        for (key, values) in c.extensions.sorted(by: { $0.key < $1.key }) {
            let k = String(String.UnicodeScalarView(key.lowercased().unicodeScalars.filter { $0 != "_" && $0 != "-" && $0 != " " }))
            guard Self.identifierKeys.contains(k) else { continue }
            for v in values {
                let f = TextFolding.fold(v).split(separator: " ").joined()
                if !f.isEmpty { identifiers.append(f) }
            }
        }
        var web: [String] = []
        for u in c.urls { let f = Self.foldURL(u.value); if !f.isEmpty { web.append(f) } }
        for h in c.handles {
            let v = TextFolding.fold(h.value).split(separator: " ").joined()
            if !v.isEmpty { web.append((h.labels.first.map { TextFolding.fold($0) + ":" } ?? "") + v) }
        }
        return NormalizedRecord(
            name: name, emails: emails, phones: phones, organization: org, city: city, postcode: postcode,
            street: street, region: region, birthDate: birth, identifiers: identifiers, web: web)
    }

    /// Folds an organisation name and drops a trailing legal form.
    public static func foldOrganization(_ name: String) -> String {
        var tokens = TextFolding.tokens(name)
        if tokens.first == "the" && tokens.count > 1 { tokens.removeFirst() }
        while tokens.count > 1, let last = tokens.last, legalForms.contains(last) { tokens.removeLast() }
        return tokens.joined(separator: " ")
    }

    /// A URL without scheme, `www.`, query-less trailing slash; lower case.
    static func foldURL(_ url: String) -> String {
        var s = Substring(url.lowercased())
        for scheme in ["https://", "http://"] where s.hasPrefix(scheme) { s = s.dropFirst(scheme.count) }
        if s.hasPrefix("www.") { s = s.dropFirst(4) }
        while s.hasSuffix("/") { s = s.dropLast() }
        return String(s)
    }

    /// An ISO 3166 alpha-2 code for a country as written ("de", "Germany",
    /// "UK"); nil when unknown.
    static func regionCode(_ country: String) -> String? {
        let f = TextFolding.fold(country)
        if f.count == 2 { return f == "uk" ? "GB" : f.uppercased() }
        return countryNames[f]
    }

    static let countryNames: [String: String] = [
        "united states": "US", "usa": "US", "united states of america": "US", "america": "US",
        "united kingdom": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
        "germany": "DE", "deutschland": "DE", "france": "FR", "spain": "ES", "espana": "ES", "italy": "IT",
        "italia": "IT", "netherlands": "NL", "nederland": "NL", "belgium": "BE", "austria": "AT", "osterreich": "AT",
        "switzerland": "CH", "schweiz": "CH", "suisse": "CH", "sweden": "SE", "sverige": "SE", "norway": "NO",
        "norge": "NO", "denmark": "DK", "danmark": "DK", "finland": "FI", "suomi": "FI", "poland": "PL", "polska": "PL",
        "ireland": "IE", "portugal": "PT", "canada": "CA", "australia": "AU", "new zealand": "NZ", "japan": "JP",
        "china": "CN", "india": "IN", "brazil": "BR", "brasil": "BR", "mexico": "MX", "russia": "RU",
        "south korea": "KR", "korea": "KR", "nigeria": "NG", "ghana": "GH", "vietnam": "VN", "viet nam": "VN",
        "czech republic": "CZ", "czechia": "CZ", "greece": "GR", "turkey": "TR", "israel": "IL",
        "south africa": "ZA", "argentina": "AR", "chile": "CL", "colombia": "CO", "singapore": "SG",
    ]
}
