@testable import ABIModel
import Foundation
import TestSupport

/// The checkout's top directory.
let repoRoot = repositoryRoot

/// The bad snapshots every tool must refuse (Fixtures/bad/snapshots).
let badSnapshotDirectory = repoRoot + "/Fixtures/bad/snapshots"

/// A small valid snapshot: part of `struct io_uring_sqe` (a bitfield, an anonymous union, a zero-length tail
/// array), a macro, an enumerator and a skipped macro. Fixtures/bad/snapshots are this with one thing broken.
enum Sample {
    static func u8() -> FieldType { FieldType(spelling: "__u8", canonical: "unsigned char", kind: .integer, scalarSize: 1, signed: false) }
    static func u64() -> FieldType { FieldType(spelling: "__u64", canonical: "unsigned long long", kind: .integer, scalarSize: 8, signed: false) }

    static var valid: ABISnapshot {
        let sqe = Record(
            name: "io_uring_sqe", cName: "struct io_uring_sqe", kind: .struct, size: 64, alignment: 8, header: "linux/io_uring.h",
            fields: [
                Field(name: "opcode", offset: 0, size: 1, type: u8()),
                Field(name: "flags", offset: 1, size: 1, bitOffset: 8, bitWidth: 3, type: u8()),
                Field(name: "off", offset: 8, size: 8, type: u64(), anonymousPath: [1]),
                Field(name: "addr2", offset: 8, size: 8, type: u64(), anonymousPath: [1]),
                Field(name: "user_data", offset: 32, size: 8, type: u64()),
                Field(name: "cmd", offset: 64, size: 0,
                      type: FieldType(spelling: "__u8[0]", canonical: "unsigned char[0]", kind: .integer, scalarSize: 1,
                                      signed: false, arrayDimensions: [0])),
            ],
            anonymousMembers: [AnonymousMember(path: [1], fieldIndexes: [2], kind: .union, offset: 8, size: 8)])
        return ABISnapshot(
            target: "x86_64-pc-linux-gnu", headers: ["linux/io_uring.h"], includeDirectories: ["/usr/include"], records: [sqe],
            constants: [
                Constant(name: "IORING_SETUP_IOPOLL", value: .unsigned(1), type: "unsigned int", size: 4, signed: false,
                         origin: .macro, header: "linux/io_uring.h", definition: "(1U << 0)"),
                Constant(name: "IORING_OP_NOP", value: .unsigned(0), type: "int", size: 4, signed: true, origin: .enumerator,
                         enumName: "io_uring_op", enumType: IntegerType(spelling: "unsigned int", size: 4, signed: false),
                         header: "linux/io_uring.h"),
            ],
            skippedMacros: [SkippedMacro(name: "IORING_FILE_INDEX_ALLOC", definition: "(~0U)", reason: "not an integer constant expression")])
    }

    /// The validation message for a snapshot, or nil when it is valid.
    static func problem(_ s: ABISnapshot) -> String? {
        do {
            try s.validate(path: "t.json")
            return nil
        } catch let e as SnapshotError {
            return e.message
        } catch {
            return "\(error)"
        }
    }
}

/// A deterministic random number generator (SplitMix64).
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
