/// Given-name equivalence: nicknames and variant spellings (Bob = Robert,
/// Liz = Elizabeth, Sasha = Alexander).
///
/// Built from the bundled English table (the Apache-2.0 `nicknames` dataset,
/// see NOTICE.md) plus a short list of common non-English pairs written for
/// Kith. Two names are equivalent when one lists the other, or when both are
/// listed under a common name longer than either (Kate and Katie under
/// Katherine). Two formal names that merely share a nickname (Robert and
/// William, both "Bill") are not equivalent.
public struct NicknameTable: Sendable {
    /// Per name: the groups it belongs to, sorted. A formal name is a group
    /// holding itself and its shorter nicknames; a formal name listed as a
    /// nickname of a name no longer than itself (Robert under Bill) shares a
    /// group of two with it.
    private var groups: [String: [Int32]] = [:]
    /// Per name: the formal names longer than it (or itself) it belongs to.
    private var parents: [String: [Int32]] = [:]
    private var groupNames: [String] = []

    /// Builds a table from lines "formal:nick nick …" (folded, lower case).
    public init(lines: String) {
        var groupOf: [String: Int32] = [:]
        func newGroup(_ name: String) -> Int32 {
            groupNames.append(name)
            return Int32(groupNames.count - 1)
        }
        func group(_ formal: String) -> Int32 {
            if let g = groupOf[formal] { return g }
            let g = newGroup(formal)
            groupOf[formal] = g
            return g
        }
        // The bundled data is plain lower-case ASCII, which folding leaves
        // as it is; skipping it for such names halves the cost of loading
        // the table, paid by every run (even one adding a single contact).
        func fold(_ s: Substring) -> String {
            s.utf8.allSatisfy { $0 >= 0x61 && $0 <= 0x7A } ? String(s) : TextFolding.fold(s)
        }
        // Split on bytes: splitting a String walks Characters (grapheme
        // breaking), which cost more than everything else here.
        for lineBytes in lines.utf8.split(separator: 0x0A) {
            let line = Substring(String(decoding: lineBytes, as: UTF8.self))
            guard let colon = line.utf8.firstIndex(of: 0x3A) else { continue }
            let formal = fold(line[..<colon])
            guard !formal.isEmpty else { continue }
            let g = group(formal)
            groups[formal, default: []].append(g)
            parents[formal, default: []].append(g)
            for nickBytes in line.utf8[line.utf8.index(after: colon)...].split(separator: 0x20) {
                let n = fold(Substring(String(decoding: nickBytes, as: UTF8.self)))
                guard !n.isEmpty, n != formal else { continue }
                if formal.count > n.count {
                    groups[n, default: []].append(g)
                    parents[n, default: []].append(g)
                } else {
                    let pair = newGroup(formal)
                    groups[n, default: []].append(pair)
                    groups[formal, default: []].append(pair)
                }
            }
        }
        // Sorted and unique, in place (no Set and no dictionary copy per name).
        func tidy(_ table: inout [String: [Int32]]) {
            for i in table.indices {
                table.values[i].sort()
                var w = 0
                for v in table.values[i] where w == 0 || table.values[i][w - 1] != v {
                    table.values[i][w] = v
                    w += 1
                }
                table.values[i].removeLast(table.values[i].count - w)
            }
        }
        tidy(&groups)
        tidy(&parents)
    }

    /// The shared table: the English dataset plus Kith's own additions.
    public static let standard = NicknameTable(lines: englishData + "\n" + additions)

    /// The groups a folded given name belongs to, sorted; empty when unknown.
    /// Two names are equivalent when their groups meet.
    public func groups(of folded: String) -> [Int32] { groups[folded] ?? [] }

    /// A key shared by a name and its nicknames, for blocking: the longest
    /// formal name the name belongs to (ties to the first listed), or nil.
    public func canonical(_ folded: String) -> Int32? {
        guard let gs = parents[folded], !gs.isEmpty else { return nil }
        return gs.max { (groupNames[Int($0)].count, -$0) < (groupNames[Int($1)].count, -$1) }
    }

    /// True when two folded given names are nickname-equivalent.
    public func equivalent(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard let ga = groups[a], let gb = groups[b] else { return false }
        return Self.meet(ga, gb)
    }

    /// True when two sorted lists share an element.
    static func meet(_ ga: [Int32], _ gb: [Int32]) -> Bool {
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
