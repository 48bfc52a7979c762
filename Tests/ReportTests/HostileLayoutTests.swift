import ABIBackends
import ABIModel
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Hand-made records for the layout reports.
enum R {
    static func u32(_ name: String, _ offset: Int, _ size: Int = 4, dims: [Int]? = nil, flexible: Bool? = nil,
                    anon: [Int]? = nil) -> Field {
        Field(name: name, offset: offset, size: size,
              type: FieldType(spelling: "__u32", canonical: "unsigned int", kind: .integer, scalarSize: 4, signed: false,
                              arrayDimensions: dims, flexibleArray: flexible),
              anonymousPath: anon)
    }

    static func record(_ name: String, size: Int, alignment: Int = 8, _ fields: [Field], anonymous: [AnonymousMember] = []) -> Record {
        Record(name: name, cName: "struct \(name)", kind: .struct, size: size, alignment: alignment, header: "t.h",
               fields: fields, anonymousMembers: anonymous)
    }

    static func snapshot(_ records: [Record]) -> ABISnapshot {
        ABISnapshot(target: "x86_64-linux-gnu", headers: ["t.h"], includeDirectories: [], records: records, constants: [])
    }

    /// Parses an SVG with Foundation's XML parser: nil when well-formed, else the error.
    static func xmlError(_ svg: String) -> String? {
        let p = XMLParser(data: Data(svg.utf8))
        return p.parse() ? nil : "\(p.parserError.map { "\($0)" } ?? "unknown")"
    }
}

@Suite("Layout reports on numbers no valid snapshot has")
struct HostileLayoutTests {
    @Test("markdown with a negative size or offset, an Int64.min offset, sizes near Int.max, empty anonymous paths")
    func markdownHostile() {
        let records = [
            R.record("neg_size", size: -16, [R.u32("a", 0)]),
            R.record("neg_offset", size: 16, [R.u32("a", -4), R.u32("b", Int(Int64.min)), R.u32("c", 4, -8)]),
            R.record("near_max", size: Int.max, [R.u32("a", Int.max - 2), R.u32("b", 8, Int.max),
                                                 R.u32("tail", Int.min, 0, dims: [0])]),
            R.record("anon", size: 8, [R.u32("a", 0, anon: []), R.u32("b", 4, anon: [1])],
                     anonymous: [AnonymousMember(path: [1], fieldIndexes: [], kind: .union, offset: 4, size: 4),
                                 AnonymousMember(path: [], fieldIndexes: [], kind: .struct, offset: 0, size: 4)]),
            R.record("dims", size: 8, [R.u32("a", 0, 8, dims: [Int.max, Int.max])]),
        ]
        let md = LayoutMarkdown.render(R.snapshot(records))
        #expect(md.contains("## struct neg_size"))
        #expect(md.contains("## struct near_max"))
        #expect(md.contains("| 4 | 4 | `__u32` | `b` | union 1 (`__bindgen_anon_1`) |"))
        #expect(md.utf8.count < 10_000)
    }

    @Test("SVG with an offset beyond the record, negative numbers, Int.max extents: well-formed, bounded")
    func svgHostile() {
        let records = [
            R.record("beyond", size: 16, [R.u32("a", 0), R.u32("far", 64), R.u32("huge", Int.max - 1, 100)]),
            R.record("neg", size: -5, alignment: 0, [R.u32("a", -8), R.u32("b", 2, -3)]),
            R.record("max", size: Int.max, [R.u32("a", 0), R.u32("tail", 8, 0, flexible: true)]),
        ]
        let svg = LayoutSVG.render(R.snapshot(records), extend: ["neg": -7])
        #expect(R.xmlError(svg) == nil)
        #expect(svg.utf8.count < 100_000)
        #expect(!svg.contains("data-field=\"far\""))   // only bytes within the picture are drawn
        // Extended to Int.max, the member 64 bytes in is drawn.
        let extended = LayoutSVG.render(R.snapshot(records), records: ["beyond"], extend: ["beyond": Int.max])
        #expect(R.xmlError(extended) == nil)
        #expect(extended.contains("data-field=\"far\""))
        #expect(extended.utf8.count < 100_000)
    }

    @Test("a record of 2^31 bytes: markdown and SVG in proportion to its fields")
    func hugeRecord() {
        let size = 1 << 31
        let r = R.record("big", size: size, [R.u32("head", 0), R.u32("middle", size / 2, 1 << 20),
                                             R.u32("last", size - 4)])
        let facts = RecordLayoutFacts(r)
        #expect(facts.holes == [4..<(size / 2), (size / 2 + (1 << 20))..<(size - 4)])
        #expect(facts.trailingPadding == nil)
        let md = LayoutMarkdown.record(r)
        #expect(md.contains("*hole: \(size / 2 - 4) bytes*"))
        #expect(md.contains("**\(size) bytes, alignment 8, 3 members, 2 holes (\(size - 8 - (1 << 20)) bytes), 0 bytes of padding, \(size / 64) cache lines of 64 bytes.**"))
        let svg = LayoutSVG.render(R.snapshot([r]))
        #expect(R.xmlError(svg) == nil)
        #expect(svg.utf8.count < 50_000)
        #expect(svg.contains("data-field=\"last\""))
        #expect(svg.contains("data-elided-from="))
    }

    @Test("--extend io_uring_sqe=1000000000: the picture is drawn to 10^9 bytes, long runs elided, every member still shown")
    func hugeExtension() {
        let sqe = R.record("io_uring_sqe", size: 64, [R.u32("opcode", 0), R.u32("addr3", 48, 8), R.u32("cmd", 48, 0, dims: [0])])
        let svg = LayoutSVG.render(R.snapshot([sqe]), extend: ["io_uring_sqe": 1_000_000_000])
        #expect(R.xmlError(svg) == nil)
        #expect(svg.utf8.count < 50_000)
        #expect(svg.contains("(drawn to 1000000000 bytes)"))
        #expect(svg.contains("cmd (999999952 bytes)"))
        // The last row (bytes 999999984…) is drawn, and the elided rows are named.
        #expect(svg.contains(">999999984</text>"))
        #expect(svg.contains("data-elided-from=\"96\" data-elided-to=\"999999968\""))
    }

    @Test("short runs are not elided: every row of a 128-byte extension is drawn")
    func shortRunsDrawn() {
        let sqe = R.record("io_uring_sqe", size: 64, [R.u32("opcode", 0), R.u32("cmd", 48, 0, dims: [0])])
        let svg = LayoutSVG.render(R.snapshot([sqe]), extend: ["io_uring_sqe": 128])
        #expect(!svg.contains("elided-from"))
        for row in stride(from: 0, to: 128, by: 16) { #expect(svg.contains(">\(row)</text>"), "row \(row)") }
    }
}
