import ABIBackends
import AbigenCLI
import ABIModel
import Foundation
import Testing

/// Hand-made models for the Swift emitter: arrays of anonymous records (as the frontend describes them) and
/// numbers no valid snapshot has.
enum EmitterModels {
    static func int(_ spelling: String, _ size: Int, signed: Bool = false, dims: [Int]? = nil) -> FieldType {
        FieldType(spelling: spelling, canonical: spelling, kind: .integer, scalarSize: size, signed: signed, arrayDimensions: dims)
    }

    static func recordType(_ record: String, _ size: Int, dims: [Int]) -> FieldType {
        FieldType(spelling: "struct <unnamed>", canonical: "struct <unnamed>", kind: .record, scalarSize: size,
                  record: record, arrayDimensions: dims)
    }

    /// `Fixtures/headers/emitter/anonarray.h` on x86_64, with the element records the frontend synthesizes for
    /// arrays of anonymous records (numbers from the C layout rules: the union's largest member is 8 bytes, the
    /// struct in it 7; the bitfields share the byte after `vector`).
    static func anonArray() -> ABISnapshot {
        let h = "anonarray.h"
        let outer = Record(
            name: "ioapic_like", cName: "struct ioapic_like", kind: .struct, size: 72, alignment: 8, header: h,
            fields: [
                Field(name: "base", offset: 0, size: 8, type: int("unsigned long long", 8)),
                Field(name: "id", offset: 8, size: 4, type: int("unsigned int", 4)),
                Field(name: "pad", offset: 12, size: 4, type: int("unsigned int", 4)),
                Field(name: "redirtbl", offset: 16, size: 32, type: recordType("ioapic_like_redirtbl", 8, dims: [4])),
                Field(name: "primaries", offset: 48, size: 24, type: recordType("ioapic_like_primaries", 4, dims: [2, 3])),
            ])
        let redir = Record(
            name: "ioapic_like_redirtbl", cName: "__typeof__(((struct ioapic_like *)0)->redirtbl[0])", kind: .union,
            size: 8, alignment: 8, header: h,
            fields: [
                Field(name: "bits", offset: 0, size: 8, type: int("unsigned long long", 8)),
                Field(name: "fields.vector", offset: 0, size: 1, type: int("unsigned char", 1)),
                Field(name: "fields.delivery_mode", offset: 1, size: 1, bitOffset: 8, bitWidth: 3, type: int("unsigned char", 1)),
                Field(name: "fields.dest_mode", offset: 1, size: 1, bitOffset: 11, bitWidth: 1, type: int("unsigned char", 1)),
                Field(name: "fields.pad0", offset: 1, size: 1, bitOffset: 12, bitWidth: 4, type: int("unsigned char", 1)),
                Field(name: "fields.reserved", offset: 2, size: 4, type: int("unsigned char", 1, dims: [4])),
                Field(name: "fields.dest_id", offset: 6, size: 1, type: int("unsigned char", 1)),
            ])
        let prim = Record(
            name: "ioapic_like_primaries", cName: "__typeof__(((struct ioapic_like *)0)->primaries[0][0])", kind: .struct,
            size: 4, alignment: 2, header: h,
            fields: [
                Field(name: "x", offset: 0, size: 2, type: int("unsigned short", 2)),
                Field(name: "y", offset: 2, size: 2, type: int("unsigned short", 2)),
            ])
        var s = ABISnapshot(target: "x86_64-pc-linux-gnu", headers: [h], includeDirectories: [EmitterOracle.fixtures],
                            records: [outer, redir, prim], constants: [])
        s.normalize()
        return s
    }

    /// One snapshot holding every number the issue found to crash the emitter, and a struct next to a macro of its name.
    static func hostile() -> ABISnapshot {
        let u32 = int("unsigned int", 4)
        let r = Record(
            name: "hostile", cName: "struct hostile", kind: .struct, size: 16, alignment: 8, header: "h.h",
            fields: [
                Field(name: "no_bit_offset", offset: 0, size: 4, bitWidth: 3, type: u32),
                Field(name: "wide_bits", offset: 0, size: 4, bitOffset: 0, bitWidth: 1000, type: u32),
                Field(name: "far", offset: Int(Int64.min), size: 4, type: u32),
                Field(name: "dims", offset: 0, size: 8, type: int("unsigned int", 4, dims: [Int.max, 4])),
                Field(name: "empty_path", offset: 0, size: 4, type: u32, anonymousPath: []),
                Field(name: "no_indexes", offset: 4, size: 4, type: u32, anonymousPath: [1]),
                Field(name: "negative", offset: 4, size: -5, type: u32),
                Field(name: "mismatch", offset: 12, size: 4, type: int("unsigned long long", 8)),
                Field(name: "tail", offset: Int.max, size: 0, type: int("unsigned char", 1, dims: [0])),
                Field(name: "ok", offset: 8, size: 8, type: int("unsigned long long", 8)),
                Field(name: "bits_past_end", offset: 15, size: 4, bitOffset: 127, bitWidth: 8, type: u32),
                Field(name: "zero_scalar", offset: 0, size: 4, type: FieldType(spelling: "x", canonical: "x", kind: .other, scalarSize: 0)),
                Field(name: "UInt32", offset: 8, size: 1, bitOffset: 64, bitWidth: 3, type: int("int", 4, signed: true)),
                Field(name: "Int64", offset: 9, size: 1, bitOffset: 72, bitWidth: 3, type: u32),
                Field(name: "UInt64", offset: 8, size: 8, type: int("unsigned long long", 8)),
            ],
            anonymousMembers: [AnonymousMember(path: [1], fieldIndexes: [], kind: .union, offset: 4, size: 4),
                               AnonymousMember(path: [], fieldIndexes: [], kind: .struct, offset: 0, size: 4)])
        let records = [
            r,
            Record(name: "negsize", cName: "struct negsize", kind: .struct, size: -8, alignment: 8, header: "h.h", fields: []),
            Record(name: "zeroalign", cName: "struct zeroalign", kind: .struct, size: 8, alignment: 0, header: "h.h", fields: []),
            Record(name: "huge", cName: "struct huge", kind: .struct, size: Int.max, alignment: 1, header: "h.h", fields: []),
            Record(name: "mac", cName: "struct mac", kind: .struct, size: 4, alignment: 4, header: "h.h",
                   fields: [Field(name: "m", offset: 0, size: 4, type: u32)]),
            Record(name: "odd", cName: "struct odd", kind: .struct, size: 6, alignment: 4, header: "h.h", fields: []),
            Record(name: "twice", cName: "struct twice", kind: .struct, size: 4, alignment: 4, header: "h.h", fields: []),
            Record(name: "twice", cName: "union twice", kind: .union, size: 8, alignment: 8, header: "h.h", fields: []),
        ]
        func constant(_ name: String, _ value: IntegerValue, size: Int, signed: Bool, origin: ConstantOrigin = .macro,
                      enumName: String? = nil, enumSize: Int? = nil) -> Constant {
            Constant(name: name, value: value, type: "int", size: size, signed: signed, origin: origin, enumName: enumName,
                     enumType: enumSize.map { IntegerType(spelling: "int", size: $0, signed: signed) }, header: "h.h",
                     definition: origin == .macro ? "\(value)" : nil)
        }
        let constants = [
            constant("mac", .unsigned(7), size: 4, signed: false),
            constant("SIZE_ZERO", .unsigned(UInt64.max), size: 0, signed: false),
            constant("SIZE_NEGATIVE", .signed(-3), size: -1, signed: true),
            constant("SIZE_THREE", .unsigned(UInt64.max), size: 3, signed: true),
            constant("WIDE_NEGATIVE", .signed(-1), size: 16, signed: false),
            constant("E_ZERO", .unsigned(UInt64.max), size: 0, signed: false, origin: .enumerator, enumName: "zero_enum", enumSize: 0),
            constant("E_MIN", .signed(Int64.min), size: 0, signed: true, origin: .enumerator, enumName: "zero_enum", enumSize: 0),
        ]
        return ABISnapshot(target: "x86_64-pc-linux-gnu", headers: ["h.h"], includeDirectories: [], records: records,
                           constants: constants)
    }
}

@Suite("Swift emitter on hand-made models")
struct EmitterModelTests {
    @Test("every number that used to trap renders, and the output type-checks")
    func hostileNumbers() throws {
        let s = EmitterModels.hostile()
        let out = SwiftEmitter.emit(s)
        #expect(out.contains("`unsigned int no_bit_offset : 3`: bitfield without a bit offset; no accessor."))
        #expect(out.contains("`unsigned int wide_bits : 1000`: bitfield accessor not supported here."))
        #expect(out.contains("`unsigned int far`: offset -9223372036854775808 lies outside the 16-byte record; no accessor."))
        #expect(out.contains("have no element count; no accessor."))
        #expect(out.contains("public var ok: UInt64 {"))
        #expect(out.contains("public var mismatch: InlineArray<4, UInt8> {"))
        #expect(out.contains("public let mac_: UInt32 = 7"))
        #expect(out.contains("public struct mac: ABILayout"))
        #expect(out.contains("//   struct negsize: size -8 is negative"))
        #expect(out.contains("//   struct zeroalign: alignment 0 is not positive"))
        #expect(out.contains("//   struct odd: size 6 is not a multiple of its alignment 4"))
        #expect(out.contains("a second record named twice; not emitted."))
        #expect(out.contains("public let WIDE_NEGATIVE: UInt128 = 340282366920938463463374607431768211455"))
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(out.contains("//   struct huge: size 9223372036854775807 exceeds abigen's limit"))
        try out.write(toFile: dir + "/Hostile.swift", atomically: true, encoding: .utf8)
        let errors = try EmitterOracle.typecheck(dir + "/Hostile.swift")
        #expect(errors == nil, "\(errors ?? "")")
    }

    @Test("arrays of anonymous records: typed element access by index, layouts and element offsets equal C's, and verify agrees with the model")
    func arraysOfAnonymousRecords() throws {
        let s = EmitterModels.anonArray()
        let generated = SwiftEmitter.emit(s)
        #expect(generated.contains("public func redirtbl(_ i: Int) -> ioapic_like_redirtbl {"))
        #expect(generated.contains("public mutating func set_redirtbl(_ i: Int, _ newValue: ioapic_like_redirtbl) {"))
        #expect(generated.contains("public func primaries(_ i0: Int, _ i1: Int) -> ioapic_like_primaries {"))
        #expect(generated.contains("public var redirtbl: InlineArray<4, ioapic_like_redirtbl> {"))
        let extraSwift = """
        do {
            var e = ioapic_like_redirtbl(); e.bits = 0x1122334455667788
            var v = ioapic_like(); v.set_redirtbl(2, e)
            let b = bytes(v.storage)
            print("elem redirtbl 2 \\(b.firstIndex { $0 != 0 } ?? -1) \\(v.redirtbl(2).bits == e.bits) \\(v.redirtbl(2).fields_delivery_mode) \\(v.redirtbl(1).bits)")
            var p = ioapic_like_primaries(); p.x = 0xFFFF; p.y = 0xFFFF
            var w = ioapic_like(); w.set_primaries(1, 2, p)
            let c = bytes(w.storage)
            print("elem primaries 1 2 \\(c.firstIndex { $0 != 0 } ?? -1) \\(c.filter { $0 != 0 }.count) \\(w.primaries(1, 2).y) \\(w.primaries(0, 2).y)")
        }

        """
        let extraC = """
          { struct ioapic_like v; memset(&v, 0, sizeof v); v.redirtbl[2].bits = 0x1122334455667788ULL;
            printf("elem redirtbl 2 %zu true %u 0\\n", offsetof(struct ioapic_like, redirtbl[2]), (unsigned)v.redirtbl[2].fields.delivery_mode); }
          printf("elem primaries 1 2 %zu %zu 65535 0\\n", offsetof(struct ioapic_like, primaries[1][2]), sizeof(((struct ioapic_like *)0)->primaries[1][2]));

        """
        let (c, swift) = try EmitterOracle.run(s, generated: generated, includes: ["anonarray.h"],
                                               includeDirectories: [EmitterOracle.fixtures], extraSwift: extraSwift, extraC: extraC)
        #expect(c.count == swift.count && c.count > 15)
        #expect(c.contains { $0.hasPrefix("elem redirtbl 2 32 true 7") })
        for (a, b) in zip(c, swift) where a != b { Issue.record("C says `\(a)`, generated Swift says `\(b)`") }

        // The probe builder uses the element records' `__typeof__` names as it does any record's.
        let report = try Verifier.verify(s, options: VerifyOptions(includeDirectories: [EmitterOracle.fixtures]))
        #expect(report.recordsChecked == 3)
        #expect(report.mismatches.isEmpty, "\(report.text)")
    }

    @Test("an element record Swift cannot lay out leaves the array as raw bytes, without indexed access")
    func arrayOfUnsupportedRecords() throws {
        var s = EmitterModels.anonArray()
        if let i = s.records.firstIndex(where: { $0.name == "ioapic_like_redirtbl" }) { s.records[i].alignment = 32; s.records[i].size = 32 }
        let out = SwiftEmitter.emit(s)
        #expect(out.contains("public var redirtbl: InlineArray<4, InlineArray<8, UInt8>> {"))
        #expect(!out.contains("func redirtbl("))
    }
}
