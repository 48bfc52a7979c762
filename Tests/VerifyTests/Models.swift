import ABIModel
import Foundation
import TestSupport

/// Paths shared by the verifier tests.
enum Paths {
    /// The checkout's top directory.
    static let root = repositoryRoot
    /// `Fixtures/verify`, where the test headers live.
    static var fixtures: String { root + "/Fixtures/verify" }
}

/// Builders for hand-written field types.
enum T {
    /// An integer (element) type.
    static func int(_ spelling: String, _ size: Int, signed: Bool, canonical: String? = nil, dims: [Int]? = nil,
                    flexible: Bool? = nil) -> FieldType {
        FieldType(spelling: spelling, canonical: canonical ?? spelling, kind: .integer, scalarSize: size, signed: signed,
                  arrayDimensions: dims, flexibleArray: flexible)
    }
    static let u8 = int("unsigned char", 1, signed: false)
    static let s8 = int("signed char", 1, signed: true)
    static let u16 = int("unsigned short", 2, signed: false)
    static let u32 = int("unsigned int", 4, signed: false)
    static let s32 = int("int", 4, signed: true)
    static let u64 = int("unsigned long long", 8, signed: false)
}

/// The hand-written model of `Fixtures/verify/layouts.h`, with numbers derived from the C layout rules for
/// each target (not from any abigen output): `lp64` for x86_64 and aarch64, `ilp32` with 4-byte (`i386`) or
/// 8-byte (`arm`) alignment of 64-bit integers.
enum LayoutsModel {
    /// How a target lays out `long`, pointers and 64-bit integers.
    struct ABI {
        var longSize: Int
        var pointerSize: Int
        var int64Align: Int
        static let lp64 = ABI(longSize: 8, pointerSize: 8, int64Align: 8)
        static let i386 = ABI(longSize: 4, pointerSize: 4, int64Align: 4)
        static let arm = ABI(longSize: 4, pointerSize: 4, int64Align: 8)
    }

    static func roundUp(_ n: Int, _ a: Int) -> Int { (n + a - 1) / a * a }

    /// The whole model for a target ABI.
    static func snapshot(_ abi: ABI = .lp64, target: String = "x86_64-pc-linux-gnu") -> ABISnapshot {
        let h = "layouts.h"
        let a8 = abi.int64Align
        let command = Record(
            name: "vt_command", cName: "struct vt_command", kind: .struct, size: roundUp(25, a8), alignment: a8,
            header: h,
            fields: [
                Field(name: "opcode", offset: 0, size: 1, type: T.u8),
                Field(name: "flags", offset: 1, size: 1, type: T.u8),
                Field(name: "ioprio", offset: 2, size: 2, type: T.u16),
                Field(name: "fd", offset: 4, size: 4, type: T.s32),
                Field(name: "off", offset: 8, size: 8, type: T.u64, anonymousPath: [1]),
                Field(name: "addr2", offset: 8, size: 8, type: T.u64, anonymousPath: [1]),
                Field(name: "cmd_op", offset: 8, size: 4, type: T.u32, anonymousPath: [1, 1]),
                Field(name: "pad1", offset: 12, size: 4, type: T.u32, anonymousPath: [1, 1]),
                Field(name: "user_data", offset: 16, size: 8, type: T.u64),
                Field(name: "level", offset: 24, size: 1, type: T.s8),
                Field(name: "cmd", offset: 25, size: 0, type: T.int("unsigned char", 1, signed: false, dims: [0])),
            ],
            anonymousMembers: [AnonymousMember(path: [1], fieldIndexes: [4], kind: .union, offset: 8, size: 8),
                               AnonymousMember(path: [1, 1], fieldIndexes: [4, 2], kind: .struct, offset: 8, size: 8)])
        let flex = Record(
            name: "vt_flex", cName: "struct vt_flex", kind: .struct, size: 4, alignment: 4, header: h,
            fields: [
                Field(name: "count", offset: 0, size: 4, type: T.u32),
                Field(name: "items", offset: 4, size: 0,
                      type: T.int("unsigned short", 2, signed: false, dims: [0], flexible: true)),
            ])
        let bits = Record(
            name: "vt_bits", cName: "struct vt_bits", kind: .struct, size: 8, alignment: 4, header: h,
            fields: [
                Field(name: "low", offset: 0, size: 1, bitOffset: 0, bitWidth: 3, type: T.u32),
                Field(name: "mid", offset: 0, size: 2, bitOffset: 3, bitWidth: 7, type: T.u32),
                Field(name: "sgn", offset: 1, size: 1, bitOffset: 10, bitWidth: 5, type: T.s32),
                Field(name: "after", offset: 2, size: 1, type: T.u8),
                Field(name: "raw", offset: 4, size: 2, type: T.u16, anonymousPath: [1]),
                Field(name: "lo4", offset: 4, size: 1, bitOffset: 32, bitWidth: 4, type: T.u16, anonymousPath: [1, 1]),
                Field(name: "hi4", offset: 4, size: 1, bitOffset: 36, bitWidth: 4, type: T.u16, anonymousPath: [1, 1]),
            ])
        let packed = Record(
            name: "vt_packed", cName: "struct vt_packed", kind: .struct, size: 11, alignment: 1, packed: true, header: h,
            fields: [
                Field(name: "tag", offset: 0, size: 1, type: T.u8),
                Field(name: "value", offset: 1, size: 8, type: T.u64),
                Field(name: "tail", offset: 9, size: 2, type: T.u16),
            ])
        let aligned = Record(
            name: "vt_aligned", cName: "struct vt_aligned", kind: .struct, size: 16, alignment: 16, header: h,
            fields: [Field(name: "word", offset: 0, size: 4, type: T.u32)])
        let wide = Record(
            name: "vt_wide", cName: "struct vt_wide", kind: .struct, size: a8 + 8, alignment: a8, header: h,
            fields: [Field(name: "tag", offset: 0, size: 1, type: T.u8),
                     Field(name: "value", offset: a8, size: 8, type: T.u64)])
        let longType = T.int("long", abi.longSize, signed: true)
        let modeType = FieldType(spelling: "enum vt_mode", canonical: "enum vt_mode", kind: .enumeration, scalarSize: 4,
                                 signed: false)
        let ptrType = FieldType(spelling: "void *", canonical: "void *", kind: .pointer, scalarSize: abi.pointerSize)
        let deltaOffset = roundUp(16, abi.longSize)
        let ptrOffset = roundUp(deltaOffset + abi.longSize, abi.pointerSize)
        let arraysAlign = max(4, abi.longSize, abi.pointerSize)
        let arrays = Record(
            name: "vt_arrays", cName: "struct vt_arrays", kind: .struct,
            size: roundUp(ptrOffset + abi.pointerSize, arraysAlign), alignment: arraysAlign, header: h,
            fields: [
                Field(name: "grid", offset: 0, size: 12, type: T.int("short", 2, signed: true, dims: [2, 3])),
                Field(name: "mode", offset: 12, size: 4, type: modeType),
                Field(name: "delta", offset: deltaOffset, size: abi.longSize, type: longType),
                Field(name: "ptr", offset: ptrOffset, size: abi.pointerSize, type: ptrType),
            ])
        let pairType = FieldType(spelling: "struct (unnamed)", canonical: "struct (unnamed)", kind: .record, scalarSize: 4)
        let nested = Record(
            name: "vt_nested", cName: "struct vt_nested", kind: .struct, size: 8, alignment: 4, header: h,
            fields: [
                Field(name: "id", offset: 0, size: 4, type: T.u32),
                Field(name: "pair", offset: 4, size: 4, type: pairType),
                Field(name: "pair.lo", offset: 4, size: 2, type: T.u16),
                Field(name: "pair.hi", offset: 6, size: 2, type: T.u16),
            ])
        let tagless = Record(
            name: "vt_tagless_t", cName: "vt_tagless_t", kind: .struct, size: 8, alignment: 2, header: h,
            fields: [Field(name: "kind", offset: 0, size: 2, type: T.u16),
                     Field(name: "data", offset: 2, size: 6, type: T.int("unsigned char", 1, signed: false, dims: [6]))])

        let modeEnum = IntegerType(spelling: "unsigned int", size: 4, signed: false)
        let levelEnum = IntegerType(spelling: "int", size: 4, signed: true)
        func enumerator(_ name: String, _ value: IntegerValue, _ tag: String, _ type: IntegerType) -> Constant {
            Constant(name: name, value: value, type: "int", size: 4, signed: true, origin: .enumerator,
                     enumName: tag, enumType: type, header: h)
        }
        func macro(_ name: String, _ value: IntegerValue, _ type: String, _ size: Int, _ signed: Bool) -> Constant {
            Constant(name: name, value: value, type: type, size: size, signed: signed, origin: .macro, header: h)
        }
        let constants = [
            macro("VT_ALL", .unsigned(4_294_967_295), "unsigned int", 4, false),
            macro("VT_BIG", .unsigned(1 << 40), "unsigned long long", 8, false),
            enumerator("VT_LEVEL_HIGH", .unsigned(2), "vt_level", levelEnum),
            enumerator("VT_LEVEL_LOW", .signed(-2), "vt_level", levelEnum),
            macro("VT_LONG", .unsigned(100_000), "long", abi.longSize, true),
            enumerator("VT_MODE_AUTO", .unsigned(5), "vt_mode", modeEnum),
            enumerator("VT_MODE_OFF", .unsigned(0), "vt_mode", modeEnum),
            enumerator("VT_MODE_ON", .unsigned(4), "vt_mode", modeEnum),
            macro("VT_NEG", .signed(-7), "int", 4, true),
            macro("VT_SHIFTED", .unsigned(1024), "int", 4, true),
        ]
        return ABISnapshot(target: target, headers: [h], includeDirectories: [Paths.fixtures],
                           records: [aligned, arrays, bits, command, flex, nested, packed, wide, tagless],
                           constants: constants)
    }

    /// The index of a record in ``snapshot(_:target:)``.
    static func recordIndex(_ s: ABISnapshot, _ name: String) -> Int { s.records.firstIndex { $0.name == name }! }
    /// The index of a field of a record.
    static func fieldIndex(_ s: ABISnapshot, _ record: String, _ field: String) -> Int {
        s.records[recordIndex(s, record)].fields.firstIndex { $0.name == field }!
    }
    /// The index of a constant.
    static func constantIndex(_ s: ABISnapshot, _ name: String) -> Int { s.constants.firstIndex { $0.name == name }! }
}
