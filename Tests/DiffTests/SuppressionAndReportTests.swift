import ABIBackends
import ABIModel
import Foundation
import Testing

/// A mixed set of changes: two breaking, one compatible, one note.
func sampleChanges() -> [ABIChange] {
    let old = Make.snapshot([Make.record("io_uring_notification_slot", size: 32, [Make.field("tag", 0, 8)]),
                             Make.record("sqe", size: 8, [Make.field("rw_flags", 0, 4, "__kernel_rwf_t", canonical: "int", signed: true),
                                                          Make.field("len", 4)])],
                            [Make.macro("T_FLAG", 1)])
    let new = Make.snapshot([Make.record("sqe", size: 8, [Make.field("rw_flags", 0, 4, "__u32"), Make.field("len", 4)])],
                            [Make.macro("T_FLAG", 2), Make.macro("T_NEW", 8)])
    return ABIDiffer.diff(old: old, new: new)
}

@Suite("suppressions")
struct SuppressionTests {
    @Test("the sample has the expected classes")
    func sample() {
        #expect(summary(sampleChanges()) == ["breaking record-removed struct io_uring_notification_slot", "breaking constant-value-changed T_FLAG",
                                             "compatible constant-added T_NEW", "note field-type-respelled struct sqe.rw_flags"])
    }

    @Test("parse: comments, quotes, globs, the field alias; matching; suppressed changes stay listed but do not count")
    func parseAndApply() throws {
        let text = """
            # accepted upgrades
            record io_uring_notification_* kind record-removed reason "removed in 6.2, never used"   # trailing comment

            record sqe field rw_flags kind field-type-respelled
            constant T_FL?G
            """
        let s = try Suppressions.parse(text, path: "abi.supp")
        #expect(s.rules.count == 3)
        #expect(s.rules[0].record == "io_uring_notification_*" && s.rules[0].kind == "record-removed" && s.rules[0].reason == "removed in 6.2, never used")
        #expect(s.rules[0].line == 2 && s.rules[1].line == 4 && s.rules[1].member == "rw_flags")
        let changes = s.apply(to: sampleChanges())
        #expect(changes.count == 4)
        #expect(Set(changes.filter(\.suppressed).map(\.subject)) == ["struct io_uring_notification_slot", "T_FLAG", "struct sqe.rw_flags"])
        #expect(statuses(changes) == (0, 1))   // T_NEW (compatible) is not suppressed
        #expect(DiffReport.summary(changes) == "0 breaking, 1 compatible, 0 notes (3 suppressed)")
    }

    @Test("a rule matches only when every key matches")
    func allKeysMustMatch() throws {
        let wrongKind = try Suppressions.parse("record io_uring_notification_slot kind record-size-changed", path: "x")
        #expect(!wrongKind.apply(to: sampleChanges()).contains { $0.suppressed })
        let memberOnRecordLevel = try Suppressions.parse("record io_uring_notification_slot member tag", path: "x")
        #expect(!memberOnRecordLevel.apply(to: sampleChanges()).contains { $0.suppressed })
        let withPrefix = try Suppressions.parse("record \"struct io_uring_notification_slot\"", path: "x")
        #expect(withPrefix.apply(to: sampleChanges()).filter(\.suppressed).count == 1)
        let kindGlob = try Suppressions.parse("kind *-changed", path: "x")
        #expect(kindGlob.apply(to: sampleChanges()).filter(\.suppressed).map(\.kind) == ["constant-value-changed"])
    }

    @Test("bad files name file:line and the problem", arguments: [
        ("record a\nrecrod b\n", 2, "unknown key 'recrod'"),
        ("record\n", 1, "has no value"),
        ("# ok\nrecord a reason \"unterminated\n", 2, "unterminated quote"),
        ("kind field-mvoed\n", 1, "unknown change kind 'field-mvoed'"),
        ("record a record b\n", 1, "appears twice"),
        ("reason \"why\"\n", 1, "a rule needs record, member, constant or kind"),
    ])
    func badFile(_ text: String, _ line: Int, _ message: String) {
        do {
            _ = try Suppressions.parse(text, path: "abi/suppressions.txt")
            Issue.record("no error for \(text.debugDescription)")
        } catch let e as Suppressions.ParseError {
            #expect(e.line == line)
            #expect(e.description.hasPrefix("abi/suppressions.txt:\(line): "))
            #expect(e.description.contains(message), "\(e)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("every kind the differ emits is known to the suppression parser, with its severity")
    func kindsKnown() {
        let all = sampleChanges() + NoteTests.allNoteChanges()
        for c in all { #expect(ABIDiffer.kinds[c.kind] != nil, "\(c.kind)") }
        for c in all where c.kind != "field-added-in-union" { #expect(ABIDiffer.kinds[c.kind] == c.severity, "\(c.kind)") }
    }
}

extension NoteTests {
    /// Changes of several kinds, for checks over kinds.
    static func allNoteChanges() -> [ABIChange] {
        diffRecords(AnonymousTests.sqeLike(splitReserved: false), AnonymousTests.sqeLike(splitReserved: true))
            + diffConstants([Make.enumerator("A", 1), Make.macro("B", 1)], [Make.macro("A", 1), Make.macro("B", 1, type: "int", signed: true)])
    }
}

@Suite("renderers and exit status")
struct ReportTests {
    @Test("--fail-on: breaking fails only on breaking; any also on compatible; notes and suppressed changes never")
    func failOn() {
        let note = ABIChange(.note, "field-renamed", record: "struct t", member: "a", reason: "r")
        let compatible = ABIChange(.compatible, "record-added", record: "struct u", reason: "r")
        var breaking = ABIChange(.breaking, "record-removed", record: "struct v", reason: "r")
        #expect(statuses([note]) == (0, 0))
        #expect(statuses([note, compatible]) == (0, 1))
        #expect(statuses([note, compatible, breaking]) == (1, 1))
        breaking.suppressed = true
        #expect(statuses([breaking]) == (0, 0))
    }

    @Test("json: an object with changes and summary; every change has every key (null when absent); decodes back")
    func json() throws {
        var changes = sampleChanges()
        changes[0].suppressed = true
        let text = DiffReport.render(changes, format: .json, oldLabel: "6.1.json", newLabel: "6.12.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let list = try #require(object["changes"] as? [[String: Any]])
        #expect(list.count == changes.count)
        for c in list {
            #expect(Set(c.keys) == ["severity", "kind", "record", "member", "constant", "old", "new", "reason", "suppressed"])
        }
        #expect(list.contains { $0["constant"] is NSNull })
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary == ["breaking": 1, "compatible": 1, "notes": 1, "suppressed": 1])
        struct Report: Decodable { var changes: [ABIChange] }
        #expect(try JSONDecoder().decode(Report.self, from: Data(text.utf8)).changes == changes)
        #expect(text == DiffReport.render(changes, format: .json, oldLabel: "6.1.json", newLabel: "6.12.json"))
    }

    @Test("github: one workflow command per change (suppressed ones as notices), escaped per GitHub's rules")
    func github() {
        var changes = sampleChanges()
        changes.append(ABIChange(.note, "field-renamed", record: "struct a,b", member: "x:y", old: "100%", new: "two\nlines\r",
                                 reason: "why: 50% of it"))
        changes[1].suppressed = true
        let text = DiffReport.render(changes, format: .github, oldLabel: "old", newLabel: "new")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.count == changes.count + 1)   // and a summary line
        let commands = lines.filter { $0.hasPrefix("::") }
        #expect(commands.count == changes.count)
        for (line, change) in zip(commands, changes) {
            let expected = change.suppressed ? "notice" : ["breaking": "error", "compatible": "warning", "note": "notice"][change.severity.rawValue]!
            #expect(line.hasPrefix("::\(expected) title="), "\(line)")
            let afterCommand = line.dropFirst(2)
            let parts = afterCommand.components(separatedBy: "::")
            #expect(parts.count == 2, "a message or title with an unescaped '::' — \(line)")
            #expect(!line.contains("\r"))
        }
        let odd = commands.last!
        #expect(odd.contains("title=ABI note%3A field-renamed struct a%2Cb.x%3Ay::"))
        #expect(odd.hasSuffix("struct a,b.x:y: 100%25 → two%0Alines%0D. why: 50%25 of it"))
        #expect(lines.last == "ABI changes from old to new: 1 breaking, 1 compatible, 2 notes (1 suppressed)")
    }

    @Test("text: summary first, grouped by severity in order, suppressed changes marked")
    func text() {
        var changes = sampleChanges()
        changes[0].suppressed = true
        let text = DiffReport.render(changes, format: .text, oldLabel: "a", newLabel: "b")
        #expect(text.hasPrefix("ABI changes from a to b: 1 breaking, 1 compatible, 1 note (1 suppressed)\n"))
        let b = text.range(of: "\nbreaking:\n")!, c = text.range(of: "\ncompatible:\n")!, n = text.range(of: "\nnote:\n")!
        #expect(b.lowerBound < c.lowerBound && c.lowerBound < n.lowerBound)
        #expect(text.contains("[suppressed] \(changes[0].subject): \(changes[0].kind)"))
    }

    @Test("markdown: one table per severity, a row per change, pipes escaped")
    func markdown() {
        var changes = sampleChanges()
        changes.append(ABIChange(.note, "field-renamed", record: "struct t", member: "a", old: "a|b", new: "c", reason: "r"))
        let text = DiffReport.render(changes, format: .markdown, oldLabel: "a", newLabel: "b")
        #expect(text.contains("## Breaking (2)") && text.contains("## Compatible (1)") && text.contains("## Note (2)"))
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| what") }
        #expect(rows.count == changes.count)
        #expect(text.contains("a\\|b"))
    }

    @Test("no changes: text says so with zero counts; github prints only the summary")
    func empty() {
        #expect(DiffReport.render([], format: .text, oldLabel: "a", newLabel: "b") == "ABI changes from a to b: 0 breaking, 0 compatible, 0 notes\n")
        #expect(DiffReport.render([], format: .github, oldLabel: "a", newLabel: "b") == "ABI changes from a to b: 0 breaking, 0 compatible, 0 notes\n")
    }
}
