/// Given-name equivalence: nicknames and variant spellings (Bob = Robert,
/// Liz = Elizabeth, Sasha = Alexander).
///
/// Built from the bundled English table (the Apache-2.0 `nicknames` dataset,
/// see NOTICE.md) plus a short list of common non-English pairs written for
/// Kith. Every formal name is a group; a name belongs to its own group (if
/// formal) and to the groups of every formal name it is a nickname of. Two
/// names are equivalent when their groups meet.
public struct NicknameTable: Sendable {
    private var groups: [String: [Int32]] = [:]

    /// Builds a table from lines "formal:nick nick …" (folded, lower case).
    public init(lines: String) {
        var next: Int32 = 0
        var groupOf: [String: Int32] = [:]
        func group(_ formal: String) -> Int32 {
            if let g = groupOf[formal] { return g }
            let g = next
            next += 1
            groupOf[formal] = g
            return g
        }
        for line in lines.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let formal = TextFolding.fold(line[..<colon])
            guard !formal.isEmpty else { continue }
            let g = group(formal)
            add(formal, g)
            for nick in line[line.index(after: colon)...].split(separator: " ") {
                add(TextFolding.fold(nick), g)
            }
        }
        for (name, list) in groups { groups[name] = Array(Set(list)).sorted() }
    }

    private mutating func add(_ name: String, _ g: Int32) {
        guard !name.isEmpty else { return }
        groups[name, default: []].append(g)
    }

    /// The shared table: the English dataset plus Kith's own additions.
    public static let standard = NicknameTable(lines: englishData + "\n" + additions)

    /// The groups of a folded given name (empty when the name is unknown).
    public func groups(of folded: String) -> [Int32] { groups[folded] ?? [] }

    /// True when two folded given names are nickname-equivalent.
    public func equivalent(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard let ga = groups[a], let gb = groups[b] else { return false }
        var i = 0, j = 0
        while i < ga.count && j < gb.count {
            if ga[i] == gb[j] { return true }
            if ga[i] < gb[j] { i += 1 } else { j += 1 }
        }
        return false
    }

    /// Common pairs outside the English dataset, from general knowledge
    /// (written for Kith; same "formal:variants" form).
    static let additions = """
        alexander:sasha sascha alex xander aleksandr alexandre alejandro alessandro
        aleksandr:sasha alex alexander
        johannes:hans johann jan jo
        johann:hans
        josef:sepp joseph
        joseph:pepe jose giuseppe
        jose:pepe joseph
        giuseppe:peppe beppe joseph
        francesca:fran francesa
        francisco:paco pancho
        dmitri:dmitry dima dmitrij
        sergei:sergey serge
        yevgeny:evgeny zhenya evgeni eugene
        ekaterina:katya katerina katja catherine
        natalia:natasha natalya
        mikhail:misha michael
        magdalena:magda lena
        malgorzata:gosia
        wolfgang:wolf
        oluwaseun:seun
        mohammed:mohamed muhammad mohammad mohamad
        muhammad:mohammed mohamed mohammad
        ahmed:ahmad
        fatima:fatimah
        jurgen:juergen
        bjorn:bjoern
        soren:soeren
        ji woo:jiwoo
        min jun:minjun
        sebastian:seba basti
        carl:karl
        karl:carl
        katherine:catherine kathryn kate katie kathy
        catherine:katherine kathryn kate katie cathy
        stephen:steven steve
        steven:stephen steve
        teresa:theresa tess
        sean:shawn
        brian:bryan
        eric:erik
        sarah:sara
        sophia:sophie sofia
        christine:chris tina
        christina:chris tina
        william:liam
        """
}
