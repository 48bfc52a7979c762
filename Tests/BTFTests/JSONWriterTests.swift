import ABIBTF
import ABIModel
import Foundation
import Testing

/// The snapshot JSON writer (rewritten for speed) against Foundation's JSONEncoder, on the inputs the
/// fast paths treat specially: strings that need escaping, integers at their limits, empty arrays.
@Suite("The fast JSON writer against Foundation's JSONEncoder")
struct JSONWriterTests {
    @Test("escapes, extreme integers and empty arrays give Foundation's bytes")
    func edgeCases() throws {
        let tricky = ["", "plain", "quote\"inside", "back\\slash", "slash/kept", "tab\tnew\nline\r",
                      "\u{01}\u{08}\u{0C}\u{1F}", "ünïcødé €", String(repeating: "long", count: 500)]
        var fields: [Field] = []
        for (i, s) in tricky.enumerated() {
            fields.append(Field(name: s, offset: i, size: -i, bitOffset: i == 1 ? Int.max : nil, bitWidth: i == 1 ? Int.min : nil,
                                type: FieldType(spelling: s, canonical: s, kind: .integer, scalarSize: 1 << 40, signed: i % 2 == 0)))
        }
        let record = Record(name: "r", cName: "struct r", kind: .struct, size: 0, alignment: -1, header: "h.h", fields: fields)
        let empty = Record(name: "e", cName: "struct e", kind: .union, size: 9_999_999_999, alignment: 10, header: "h.h", fields: [])
        var constants: [Constant] = []
        for v: IntegerValue in [.signed(0), .signed(-1), .signed(9), .signed(10), .signed(Int64.min), .signed(Int64.max),
                                .unsigned(0), .unsigned(UInt64.max), .unsigned(1_000_000_000_000_000_000), .unsigned(999_999)] {
            constants.append(Constant(name: "C\(constants.count)", value: v, type: "long", size: 8, signed: true, origin: .macro,
                                      header: "h.h", definition: tricky[constants.count % tricky.count]))
        }
        let snapshot = ABISnapshot(target: "x86_64-unknown-linux-gnu", headers: tricky, includeDirectories: [],
                                   records: [record, empty], constants: constants,
                                   unsupported: tricky.map { Unsupported(name: $0, reason: $0) })
        let fast = try snapshot.jsonData()
        let foundation = try snapshot.foundationJSONData()
        #expect(fast == foundation, "\(String(decoding: fast.prefix(2000), as: UTF8.self))")
    }

    @Test("the whole running kernel's BTF snapshot gives Foundation's bytes")
    func wholeKernel() throws {
        let path = "/sys/kernel/btf/vmlinux"
        guard FileManager.default.isReadableFile(atPath: path) else {
            print("wholeKernel: \(path) is absent here, so the whole-kernel comparison did not run")
            return
        }
        let snapshot = try BTFFrontend.read(try BTFFile(path: path), options: BTFOptions()).snapshot
        #expect(snapshot.records.count > 1000)
        let fast = try snapshot.jsonData()
        #expect(fast == (try snapshot.foundationJSONData()))
        // Over 2,048 records the writer works in parallel pieces; joined, they are the same bytes.
        let parts = try snapshot.jsonParts()
        if ProcessInfo.processInfo.activeProcessorCount > 1 { #expect(parts.count > 1) }
        #expect(parts.reduce(into: Data()) { $0.append($1) } == fast)
    }
}
