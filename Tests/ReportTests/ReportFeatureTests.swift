@testable import ABIBackends
import ABIModel
import Foundation
import Testing

/// Builders for the report feature tests: any integer type, bitfields, anonymous members, record-typed arrays.
enum F {
    static func int(_ name: String, _ offset: Int, _ size: Int, _ spelling: String, bits: (Int, Int)? = nil,
                    dims: [Int]? = nil, anon: [Int]? = nil) -> Field {
        let elements = dims?.reduce(1, *) ?? 1
        return Field(name: name, offset: offset, size: size, bitOffset: bits?.0, bitWidth: bits?.1,
                     type: FieldType(spelling: spelling, canonical: spelling, kind: .integer, scalarSize: elements == 0 ? size : size / elements,
                                     signed: false, arrayDimensions: dims),
                     anonymousPath: anon)
    }

    static func snapshot(_ records: [Record], _ constants: [Constant] = []) -> ABISnapshot {
        ABISnapshot(target: "x86_64-linux-gnu", headers: ["t.h"], includeDirectories: [], records: records, constants: constants)
    }

    /// The number of `|` in a line that are not escaped as `\|`.
    static func unescapedPipes(_ line: Substring) -> Int {
        var count = 0, previous: Character = " "
        for c in line {
            if c == "|" && previous != "\\" { count += 1 }
            previous = c
        }
        return count
    }

    /// The table rows (lines starting with `|`) of a Markdown text.
    static func rows(_ md: String) -> [Substring] { md.split(separator: "\n").filter { $0.hasPrefix("|") } }
}

/// One test per feature of the layout reports, each from a hand-made model with numbers worked out by hand from
/// the C layout (the oracle is the arithmetic in the comments, not an earlier output of abigen).
@Suite("Layout reports: one test per feature")
struct ReportFeatureTests {
    @Test("markdown table: a row per member, holes and trailing padding called out, the summary line")
    func markdownTable() {
        // struct s { __u8 a; /* 3-byte hole */ __u32 b; __u16 c; /* 2 bytes of padding */ }: 12 bytes, alignment 4.
        let r = R.record("s", size: 12, alignment: 4, [F.int("a", 0, 1, "__u8"), F.int("b", 4, 4, "__u32"), F.int("c", 8, 2, "__u16")])
        let expected = """
        ## struct s

        `t.h`

        | offset | size | type | member | in |
        |---:|---:|---|---|---|
        | 0 | 1 | `__u8` | `a` |  |
        | 1 | 3 | | *hole: 3 bytes* | |
        | 4 | 4 | `__u32` | `b` |  |
        | 8 | 2 | `__u16` | `c` |  |
        | 10 | 2 | | *padding: 2 bytes* | |

        **12 bytes, alignment 4, 3 members, 1 hole (3 bytes), 2 bytes of padding, 1 cache line of 64 bytes.**

        """
        #expect(LayoutMarkdown.record(r) == expected)
        let facts = RecordLayoutFacts(r)
        #expect(facts.holes == [1..<4])
        #expect(facts.trailingPadding == 10..<12)
    }

    @Test("bitfields: offset as byte:bit, width in bits, no hole between bitfields sharing a word")
    func bitfields() {
        // struct b { __u32 lo : 3; __u32 mid : 1; __u32 hi : 20; }: bits 0..<3, 3..<4, 11..<31 of one 4-byte word.
        let r = R.record("b", size: 4, alignment: 4, [F.int("lo", 0, 4, "__u32", bits: (0, 3)), F.int("mid", 0, 4, "__u32", bits: (3, 1)),
                                                      F.int("hi", 0, 4, "__u32", bits: (11, 20))])
        let md = LayoutMarkdown.record(r)
        #expect(md.contains("| 0:0 | 3 bits | `__u32` | `lo` |  |\n"))
        #expect(md.contains("| 0:3 | 1 bit | `__u32` | `mid` |  |\n"))
        #expect(md.contains("| 1:3 | 20 bits | `__u32` | `hi` |  |\n"))
        #expect(!md.contains("hole:"))
        #expect(md.contains("**4 bytes, alignment 4, 3 members, 0 holes (0 bytes), 0 bytes of padding, 1 cache line of 64 bytes.**"))
    }

    @Test("anonymous unions: the `in` column names the union, bindgen's and Swift's names; members stack in lanes")
    func anonymousUnions() {
        // struct u { __u64 head; union { __u32 x; __u64 y; struct { __u16 p; __u16 q; }; }; }: the union at 8, 8 bytes.
        let r = R.record("u", size: 16, [F.int("head", 0, 8, "__u64"), F.int("x", 8, 4, "__u32", anon: [1]),
                                         F.int("y", 8, 8, "__u64", anon: [1]), F.int("p", 8, 2, "__u16", anon: [1, 1]),
                                         F.int("q", 10, 2, "__u16", anon: [1, 1])],
                         anonymous: [AnonymousMember(path: [1], fieldIndexes: [1], kind: .union, offset: 8, size: 8),
                                     AnonymousMember(path: [1, 1], fieldIndexes: [1, 2], kind: .struct, offset: 8, size: 4)])
        let md = LayoutMarkdown.record(r)
        #expect(md.contains("| 8 | 4 | `__u32` | `x` | union 1 (`__bindgen_anon_1`, `__Anonymous_field1`) |\n"))
        #expect(md.contains("| 8 | 2 | `__u16` | `p` | struct 1.1 (`__bindgen_anon_1`, `__Anonymous_field1`) |\n"))
        #expect(md.contains("0 holes (0 bytes), 0 bytes of padding"))
        let facts = RecordLayoutFacts(r)
        // x fits in lane 0 after head; y overlaps x (lane 1); p overlaps x and y (lane 2); q fits next to p (lane 2).
        #expect(facts.lanes == [0, 0, 1, 2, 2])
        #expect(facts.laneCount == 3)
        let svg = LayoutSVG.render(F.snapshot([r]))
        #expect(R.xmlError(svg) == nil)
        // Row 0 is three lanes of 22 pixels tall.
        #expect(svg.contains("<rect class=\"row\" x=\"56\" y=\"30\" width=\"704\" height=\"66\"/>"))
    }

    @Test("packed records are marked packed; a packed member sits at an unaligned offset without a hole")
    func packed() {
        // struct __attribute__((packed)) p { __u8 a; __u32 b; }: 5 bytes, alignment 1, b at offset 1.
        let r = Record(name: "p", cName: "struct p", kind: .struct, size: 5, alignment: 1, packed: true, header: "t.h",
                       fields: [F.int("a", 0, 1, "__u8"), F.int("b", 1, 4, "__u32")])
        let md = LayoutMarkdown.record(r)
        #expect(md.hasPrefix("## struct p\n\n`t.h`, packed\n\n"))
        #expect(md.contains("| 1 | 4 | `__u32` | `b` |  |\n"))
        #expect(md.contains("**5 bytes, alignment 1, 2 members, 0 holes (0 bytes), 0 bytes of padding, 1 cache line of 64 bytes.**"))
        let unpacked = Record(name: "q", cName: "struct q", kind: .struct, size: 8, alignment: 4, header: "t.h",
                              fields: [F.int("a", 0, 1, "__u8"), F.int("b", 4, 4, "__u32")])
        #expect(LayoutMarkdown.record(unpacked).hasPrefix("## struct q\n\n`t.h`\n\n"))
    }

    @Test("element records of arrays of anonymous structs: headed by their C type expression, escaped in SVG")
    func elementRecords() {
        // struct outer { struct { __u32 a; __u32 b; } arr[2]; }: the element record is 8 bytes, the array 16.
        let element = Record(name: "outer_arr", cName: "__typeof__(((struct outer *)0)->arr[0])", kind: .struct, size: 8,
                             alignment: 4, header: "t.h", fields: [F.int("a", 0, 4, "__u32"), F.int("b", 4, 4, "__u32")])
        let arr = Field(name: "arr", offset: 0, size: 16,
                        type: FieldType(spelling: "struct (unnamed)[2]", canonical: "struct (unnamed)[2]", kind: .record, scalarSize: 8,
                                        record: "outer_arr", arrayDimensions: [2]))
        let outer = Record(name: "outer", cName: "struct outer", kind: .struct, size: 16, alignment: 4, header: "t.h", fields: [arr])
        let s = F.snapshot([outer, element])
        let md = LayoutMarkdown.render(s)
        #expect(md.contains("\n## __typeof__(((struct outer *)0)->arr[0])\n"))
        #expect(md.contains("| 0 | 16 | `struct (unnamed)[2]` | `arr` |  |\n"))
        #expect(md.contains("Target `x86_64-linux-gnu`: 2 records, 0 constants."))
        let svg = LayoutSVG.render(s, records: ["outer_arr"])
        #expect(R.xmlError(svg) == nil)
        #expect(svg.contains("<g class=\"record\" data-record=\"outer_arr\">"))
        #expect(svg.contains(">__typeof__(((struct outer *)0)-&gt;arr[0]): 8 bytes, alignment 4</text>"))
        #expect(!svg.contains("data-record=\"outer\""))
    }

    @Test("SVG byte map: 16 bytes a row, a member split at a row boundary, holes shaded, the picture's size")
    func svgByteMap() {
        // Members at 0..<8, 12..<20 and 32..<40 of a 40-byte record: holes 8..<12 and 20..<32, three rows.
        let r = R.record("m", size: 40, [F.int("a", 0, 8, "__u64"), F.int("b", 12, 8, "__u64"), F.int("c", 32, 8, "__u64")])
        #expect(LayoutSVG.segments(12..<20).map { [$0.0, $0.1] } == [[12, 4], [16, 4]])
        let svg = LayoutSVG.render(F.snapshot([r]))
        #expect(R.xmlError(svg) == nil)
        // Width: 56 (labels) + 16 × 44 + 10; height: title 30 + 3 rows × (22 + 10) + 10.
        #expect(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"770\" height=\"136\" viewBox=\"0 0 770 136\""))
        for (offset, y) in [(0, 45), (16, 77), (32, 109)] { #expect(svg.contains("<text x=\"4\" y=\"\(y)\" class=\"offset\">\(offset)</text>")) }
        // b: bytes 12..<16 at the end of row 0 (x = 56 + 12 × 44), bytes 16..<20 at the start of row 1.
        #expect(svg.contains("data-field=\"b\" data-offset=\"12\" data-size=\"8\" x=\"584\" y=\"30\" width=\"176\" height=\"22\""))
        #expect(svg.contains("data-field=\"b\" data-offset=\"12\" data-size=\"8\" x=\"56\" y=\"62\" width=\"176\" height=\"22\""))
        #expect(svg.contains("<rect class=\"hole\" data-hole=\"8\" data-size=\"4\" x=\"408\" y=\"30\" width=\"176\" height=\"22\"/>"))
        // The last row holds 8 bytes: half as wide.
        #expect(svg.contains("<rect class=\"row\" x=\"56\" y=\"94\" width=\"352\" height=\"22\"/>"))
    }

    @Test("extend: a record drawn past its size (SQE128), its zero-length tail to the new end")
    func extend() {
        // struct io_uring_sqe: 64 bytes; cmd[0] at 48. Drawn to 128 bytes, cmd spans 48..<128 (80 bytes).
        let sqe = R.record("io_uring_sqe", size: 64, [F.int("opcode", 0, 1, "__u8"), F.int("addr3", 48, 8, "__u64"),
                                                      F.int("cmd", 48, 0, "__u8", dims: [0])])
        let facts = RecordLayoutFacts(sqe, extent: 128)
        #expect(facts.extent == 128)
        #expect(facts.ranges.map(\.range) == [0..<1, 48..<56, 48..<128])
        #expect(facts.holes == [1..<48])
        #expect(facts.trailingPadding == 56..<64)
        let svg = LayoutSVG.render(F.snapshot([sqe]), extend: ["io_uring_sqe": 128])
        #expect(R.xmlError(svg) == nil)
        #expect(svg.contains(": 64 bytes, alignment 8 (drawn to 128 bytes)</text>"))
        // Bytes 64..<128 are four extension rows.
        #expect(svg.components(separatedBy: "<rect class=\"extension\"").count - 1 == 4)
        #expect(svg.contains(">cmd (80 bytes)</text>"))
        let plain = LayoutSVG.render(F.snapshot([sqe]))
        #expect(!plain.contains("class=\"extension\""))
        #expect(plain.contains(">cmd (16 bytes)</text>"))
        #expect(LayoutMarkdown.record(sqe).contains("`cmd` (zero-length: 16 bytes to the end of the record)"))
    }

    @Test("escaping: one rule for Markdown cells and text, XML entities in SVG")
    func escaping() {
        #expect(MarkdownEscaping.cell("a|b`c\nd\re") == "a\\|b'c d e")
        #expect(MarkdownEscaping.text("struct <unnamed> & `x`|y") == "struct &lt;unnamed&gt; &amp; 'x'\\|y")
        let r = Record(name: "e", cName: "struct e", kind: .struct, size: 4, alignment: 4, header: "dir|x.h",
                       fields: [F.int("v", 0, 4, "weird|type`\nname")])
        let md = LayoutMarkdown.record(r)
        #expect(md.contains("`dir\\|x.h`"))
        #expect(md.contains("| 0 | 4 | `weird\\|type' name` | `v` |  |\n"))
        let svg = LayoutSVG.render(F.snapshot([r]))
        #expect(R.xmlError(svg) == nil)
        #expect(svg.contains("<title>weird|type`\nname v @ 0, 4 bytes</title>"))
    }

    @Test("hostile names: every table row keeps six cell borders, SVG stays well-formed with no injected element")
    func hostileNames() {
        let names = ["a|b", "x\"><script>alert(1)</script>", "c`d", "e\nf|g", "&amp;", "</g></svg>"]
        let fields = names.enumerated().map { F.int($1, $0 * 4, 4, $1) }
        let r = Record(name: "h\"<", cName: "struct h|</text>", kind: .struct, size: 24, alignment: 4, header: "t.h", fields: fields,
                       anonymousMembers: [])
        let md = LayoutMarkdown.render(F.snapshot([r], [Constant(name: "K|`", value: .unsigned(1), type: "a|b", size: 4, signed: false,
                                                                 origin: .macro, header: "t.h")]))
        let rows = F.rows(md)
        #expect(rows.count == 2 + names.count + 2 + 1)   // header, rule, members; constants header, rule, one constant
        for row in rows where !row.hasPrefix("| name") && !row.hasPrefix("|---|---:") && !row.hasPrefix("| `K") {
            #expect(F.unescapedPipes(row) == 6, "\(row)")
        }
        #expect(rows.filter { F.unescapedPipes($0) == 5 }.count == 3)   // the constants table has four columns
        let svg = LayoutSVG.render(F.snapshot([r]))
        #expect(R.xmlError(svg) == nil)
        #expect(!svg.contains("<script"))
        #expect(svg.components(separatedBy: "</g>").count - 1 == 1)
        #expect(svg.contains("data-record=\"h&quot;&lt;\""))
    }

    @Test("empty snapshot: a title, a count of zero and an empty constants section; an empty well-formed SVG")
    func emptySnapshot() {
        let s = F.snapshot([])
        #expect(LayoutMarkdown.render(s) == "# ABI of t.h\n\nTarget `x86_64-linux-gnu`: 0 records, 0 constants.\n\n## Constants\n")
        let svg = LayoutSVG.render(s)
        #expect(R.xmlError(svg) == nil)
        #expect(svg.contains("width=\"770\" height=\"1\" viewBox=\"0 0 770 1\""))
        #expect(!svg.contains("<g "))
        let noFields = R.record("z", size: 0, alignment: 1, [])
        #expect(LayoutMarkdown.record(noFields).hasSuffix("**0 bytes, alignment 1, 0 members, 0 holes (0 bytes), 0 bytes of padding, 0 cache lines of 64 bytes.**\n"))
    }

    @Test("constants: grouped by enum, by a two-word prefix three share, else one word; no hex for negative values")
    func constants() {
        func macro(_ name: String, _ v: UInt64) -> Constant {
            Constant(name: name, value: .unsigned(v), type: "unsigned int", size: 4, signed: false, origin: .macro, header: "t.h")
        }
        let cs = [macro("FOO_BAR_A", 1), macro("FOO_BAR_B", 16), macro("FOO_BAR_C", 255), macro("FOO_X", 2),
                  Constant(name: "NEG", value: .signed(-1), type: "int", size: 4, signed: true, origin: .macro, header: "t.h"),
                  Constant(name: "E_ONE", value: .signed(1), type: "int", size: 4, signed: true, origin: .enumerator, enumName: "e", header: "t.h")]
        let md = LayoutMarkdown.constants(cs)
        let headings = md.split(separator: "\n").filter { $0.hasPrefix("### ") }
        #expect(headings == ["### FOO_*", "### FOO_BAR_*", "### NEG*", "### enum e"])
        #expect(md.contains("| `FOO_BAR_C` | 255 | 0xff | `unsigned int` |\n"))
        #expect(md.contains("| `NEG` | -1 |  | `int` |\n"))
        #expect(md.contains("| `E_ONE` | 1 | 0x1 | `int` |\n"))
    }

    @Test("diff layouts: before/after tables of the records a breaking change touched, none for notes alone")
    func changedRecords() {
        let old = R.record("t", size: 8, alignment: 4, [F.int("a", 0, 4, "__u32"), F.int("b", 4, 4, "__u32")])
        let new = R.record("t", size: 12, alignment: 4, [F.int("a", 0, 4, "__u32"), F.int("b", 8, 4, "__u32")])
        let changes = ABIDiffer.diff(old: F.snapshot([old]), new: F.snapshot([new]))
        let md = LayoutMarkdown.changedRecords(changes, old: F.snapshot([old]), new: F.snapshot([new]))
        #expect(md.hasPrefix("\n## Layouts of the changed records\n\n<details><summary>struct t: layout before and after</summary>\n\n### Before\n\n"))
        #expect(md.contains("| 4 | 4 | `__u32` | `b` |  |\n"))
        #expect(md.contains("| 4 | 4 | | *hole: 4 bytes* | |\n| 8 | 4 | `__u32` | `b` |  |\n"))
        #expect(md.hasSuffix("</details>\n"))
        let renamed = R.record("t", size: 8, alignment: 4, [F.int("a", 0, 4, "__u32"), F.int("c", 4, 4, "__u32")])
        let notes = ABIDiffer.diff(old: F.snapshot([old]), new: F.snapshot([renamed]))
        #expect(notes.map(\.kind) == ["field-renamed"])
        #expect(LayoutMarkdown.changedRecords(notes, old: F.snapshot([old]), new: F.snapshot([renamed])) == "")
    }
}
