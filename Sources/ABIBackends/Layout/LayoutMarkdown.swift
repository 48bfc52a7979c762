import ABIModel

/// A pahole-style Markdown report: per record a table of offset, size, type, member and anonymous
/// member, with holes and padding called out; then the constants grouped by enum or prefix.
public enum LayoutMarkdown {
    /// Text for a code span or cell (see ``MarkdownEscaping``).
    static func md(_ s: String) -> String { MarkdownEscaping.cell(s) }

    /// The whole report.
    public static func render(_ s: ABISnapshot) -> String {
        var out = "# ABI of \(s.headers.joined(separator: ", "))\n\nTarget `\(s.target)`: \(s.records.count) records, \(s.constants.count) constants.\n"
        for r in s.records { out += "\n" + record(r) }
        out += "\n" + constants(s.constants)
        return out
    }

    /// One record's table and summary.
    public static func record(_ r: Record, extent: Int? = nil) -> String {
        let facts = RecordLayoutFacts(r, extent: extent)
        var out = "## \(md(r.cName))\n\n`\(md(r.header))`\(r.packed ? ", packed" : "")\n\n| offset | size | type | member | in |\n|---:|---:|---|---|---|\n"
        var rows: [(Int, Int, String)] = []   // (offset, order, row)
        for (i, f) in r.fields.enumerated() {
            var place = ""
            if let path = f.anonymousPath, let first = path.first,
               let outer = r.anonymousMembers.first(where: { $0.path == [first] }) {
                let inner = r.anonymousMembers.first { $0.path == path } ?? outer
                let importer = outer.fieldIndexes.first.map { ", `__Anonymous_field\($0)`" } ?? ""
                place = "\(md(inner.label)) (`__bindgen_anon_\(first)`\(importer))"
            }
            let offset = f.bitOffset.map { "\($0 / 8):\($0 % 8)" } ?? String(f.offset)
            let size = f.bitWidth.map { "\($0) bit\($0 == 1 ? "" : "s")" } ?? String(f.size)
            var name = "`\(md(f.name))`"
            if RecordLayoutFacts.isVariableTail(f.type) {
                name += f.type.flexibleArray == true ? " (flexible array)" : " (zero-length: \(Int128(r.size) - Int128(f.offset)) bytes to the end of the record)"
            }
            rows.append((f.offset, i, "| \(offset) | \(size) | `\(md(f.type.spelling))` | \(name) | \(place) |"))
        }
        for h in facts.holes {
            rows.append((h.lowerBound, -1, "| \(h.lowerBound) | \(h.count) | | *hole: \(h.count) byte\(h.count == 1 ? "" : "s")* | |"))
        }
        if let p = facts.trailingPadding {
            rows.append((p.lowerBound, Int.max, "| \(p.lowerBound) | \(p.count) | | *padding: \(p.count) byte\(p.count == 1 ? "" : "s")* | |"))
        }
        for row in rows.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) { out += row.2 + "\n" }
        let holeBytes = facts.holes.reduce(Int128(0)) { $0 + Int128($1.count) }
        let cacheLines = r.size > 0 ? r.size / 64 + (r.size % 64 == 0 ? 0 : 1) : 0
        out += "\n**\(r.size) bytes, alignment \(r.alignment), \(r.fields.count) members, \(facts.holes.count) hole\(facts.holes.count == 1 ? "" : "s") (\(holeBytes) bytes), \(facts.trailingPadding?.count ?? 0) bytes of padding, \(cacheLines) cache line\(cacheLines == 1 ? "" : "s") of 64 bytes.**\n"
        return out
    }

    /// The group a macro belongs to: its two-word prefix when at least three macros share it, else one word.
    static func groups(_ constants: [Constant]) -> [(String, [Constant])] {
        func prefix(_ name: String, _ words: Int) -> String? {
            let parts = name.split(separator: "_", omittingEmptySubsequences: false)
            guard parts.count > words else { return nil }
            return parts.prefix(words).joined(separator: "_") + "_"
        }
        var counts: [String: Int] = [:]
        for c in constants where c.enumName == nil { if let p = prefix(c.name, 2) { counts[p, default: 0] += 1 } }
        var out: [String: [Constant]] = [:]
        for c in constants {
            let key: String
            if let e = c.enumName { key = "enum \(e)" }
            else if let p2 = prefix(c.name, 2), counts[p2, default: 0] >= 3 { key = p2 + "*" }
            else { key = (prefix(c.name, 1) ?? c.name) + "*" }
            out[key, default: []].append(c)
        }
        return out.keys.sorted().map { key in
            (key, (out[key] ?? []).sorted { ($0.value.bitPattern, $0.name) < ($1.value.bitPattern, $1.name) })
        }
    }

    /// The constants section.
    public static func constants(_ constants: [Constant]) -> String {
        var out = "## Constants\n"
        for (group, members) in groups(constants) {
            out += "\n### \(group)\n\n| name | value | hex | C type |\n|---|---:|---:|---|\n"
            for c in members {
                let hex = c.signed && c.value.bitPattern > UInt64(Int64.max) ? "" : "0x" + String(c.value.bitPattern, radix: 16)
                out += "| `\(md(c.name))` | \(c.value) | \(hex) | `\(md(c.type))` |\n"
            }
        }
        return out
    }
}

extension LayoutMarkdown {
    /// Before/after layout tables of the records a diff touched (for `abigen diff --format markdown`).
    public static func changedRecords(_ changes: [ABIChange], old: ABISnapshot, new: ABISnapshot) -> String {
        let names = Set(changes.filter { $0.severity != .note || $0.kind == "anonymous-member-renumbered" }.compactMap(\.record))
        var out = ""
        for r in old.records where names.contains(r.cName) {
            guard let n = new.records.first(where: { $0.name == r.name }) else { continue }
            out += "\n<details><summary>\(r.cName): layout before and after</summary>\n\n### Before\n\n"
            out += record(r).replacingOccurrences(of: "## \(r.cName)\n", with: "")
            out += "\n### After\n\n"
            out += record(n).replacingOccurrences(of: "## \(n.cName)\n", with: "")
            out += "\n</details>\n"
        }
        return out.isEmpty ? "" : "\n## Layouts of the changed records\n" + out
    }
}
