import ABIBackends
import ABIModel
import AbigenCLI
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Collects `<rect data-field=…>` boxes from an SVG with Foundation's XML parser (which also proves it well-formed).
final class BoxCollector: NSObject, XMLParserDelegate {
    struct Box { var record: String; var field: String; var x: Int; var width: Int; var offset: Int; var size: Int }
    var boxes: [Box] = []
    var holes: [(start: Int, size: Int)] = []
    var record = ""
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String]) {
        if name == "g", let r = a["data-record"] { record = r }
        guard name == "rect" else { return }
        if let f = a["data-field"], let x = Int(a["x"] ?? ""), let w = Int(a["width"] ?? ""), let o = Int(a["data-offset"] ?? ""), let s = Int(a["data-size"] ?? "") {
            boxes.append(Box(record: record, field: f, x: x, width: w, offset: o, size: s))
        }
        if let h = Int(a["data-hole"] ?? ""), let s = Int(a["data-size"] ?? "") { holes.append((h, s)) }
    }
}

@Suite("Layout reports: markdown and SVG byte maps")
struct LayoutReportTests {
    func zoo() throws -> ABISnapshot {
        try HeaderOptions.parse(["--headers", Repo.root + "/Fixtures/headers", "--header", "zoo.h", "--preset", "none"]).snapshot()
    }

    @Test("SVG is well-formed and every field has boxes covering exactly its bytes (zero-length areas to the end)")
    func svgBoxes() throws {
        for s in [try HeaderSet.system61.snapshot(), try zoo()] {
            let svg = LayoutSVG.render(s, extend: ["io_uring_sqe": 128])
            let parser = XMLParser(data: Data(svg.utf8))
            let collector = BoxCollector()
            parser.delegate = collector
            #expect(parser.parse(), "SVG not well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
            for r in s.records {
                let extent = r.name == "io_uring_sqe" ? 128 : r.size
                for f in r.fields where f.size > 0 || f.type.isVariableTail {
                    let boxes = collector.boxes.filter { $0.record == r.name && $0.field == f.name && $0.offset == f.offset && $0.size == f.size }
                    // Recompute the byte columns the boxes cover from their pixels, independently of the renderer's helpers.
                    var bytes = Set<Int>()
                    for b in boxes {
                        #expect((b.x - LayoutSVG.marginLeft) % LayoutSVG.byteWidth == 0 && b.width % LayoutSVG.byteWidth == 0)
                        let first = (b.x - LayoutSVG.marginLeft) / LayoutSVG.byteWidth
                        for c in first..<(first + b.width / LayoutSVG.byteWidth) { bytes.insert(c) }
                    }
                    let end = f.type.isVariableTail ? extent : f.offset + f.size
                    let expectedColumns = Set((f.offset..<end).map { $0 % LayoutSVG.rowBytes })
                    let expectedBoxes = Set((f.offset..<end).map { $0 / LayoutSVG.rowBytes }).count
                    #expect(boxes.count == expectedBoxes, "\(r.name).\(f.name): \(boxes.count) boxes")
                    #expect(bytes == expectedColumns, "\(r.name).\(f.name)")
                }
            }
        }
    }

    @Test("holes and trailing padding are found where C puts them (zoo_aligned: 7-byte hole, 4 bytes of padding)")
    func holes() throws {
        let s = try zoo()
        let aligned = try #require(s.record(named: "zoo_aligned"))
        let facts = RecordLayoutFacts(aligned)
        // tag at 0 (1 byte), value aligned to 8 (4 bytes), record aligned to 16.
        #expect(facts.holes == [1..<aligned.field(named: "value")!.offset])
        #expect(facts.trailingPadding == (aligned.field(named: "value")!.offset + 4)..<aligned.size)
        let md = LayoutMarkdown.record(aligned)
        #expect(md.contains("*hole: 7 bytes*") && md.contains("*padding: 4 bytes*"))
        let packed = RecordLayoutFacts(try #require(s.record(named: "zoo_packed")))
        #expect(packed.holes.isEmpty && packed.trailingPadding == nil)
    }

    @Test("markdown: every field of the SQE appears, with its union and bindgen/Swift names; constants grouped")
    func markdown() throws {
        let s = try HeaderSet.system61.snapshot()
        let md = LayoutMarkdown.render(s)
        let sqe = try #require(s.record(named: "io_uring_sqe"))
        for f in sqe.fields { #expect(md.contains("`\(f.name)`"), "\(f.name)") }
        #expect(md.contains("union 6 (`__bindgen_anon_6`, `__Anonymous_field12`)"))
        #expect(md.contains("zero-length: 16 bytes to the end of the record"))
        #expect(md.contains("### enum io_uring_op") && md.contains("### IORING_SETUP_*") && md.contains("### IOSQE_*"))
    }

    @Test("abigen --format svg renders with rsvg-convert")
    func renders() throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try abigen(["--headers", "/usr/include", "--format", "svg", "--record", "io_uring_sqe", "-o", dir + "/sqe.svg"])
        #expect(r.status == 0, "\(r.stderr)")
        let png = try runProcess("rsvg-convert", [dir + "/sqe.svg", "-o", dir + "/sqe.png"])
        #expect(png.status == 0, "\(png.stderr)")
        let size = (try FileManager.default.attributesOfItem(atPath: dir + "/sqe.png")[.size] as? Int) ?? 0
        #expect(size > 10_000)
    }
}
