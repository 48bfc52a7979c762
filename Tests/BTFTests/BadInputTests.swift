import ABIBTF
import ABIModel
import Foundation
import Testing

/// Untrusted BTF never traps: each defect is one error whose description is one line naming the file and the problem.
@Suite struct BadInputTests {
    static let name = "evil.btf"

    /// Decodes `bytes` and builds a snapshot of every record; returns the error's description (nil: no error).
    static func failure(_ bytes: [UInt8], records: [String] = []) -> String? {
        do {
            let file = try BTFFile(bytes: bytes, path: name)
            _ = try BTFFrontend.snapshot(of: file, records: records, target: "x86_64-linux-gnu")
            return nil
        } catch let e as BTFError {
            return e.description
        } catch {
            return "unexpected error type: \(error)"
        }
    }

    static func expectOneLine(_ message: String?, containing words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let message else {
            Issue.record("no error", sourceLocation: sourceLocation)
            return
        }
        #expect(message.hasPrefix(name + ": "), "\(message)", sourceLocation: sourceLocation)
        #expect(!message.contains("\n"), "\(message)", sourceLocation: sourceLocation)
        for w in words { #expect(message.contains(w), "\(message) lacks '\(w)'", sourceLocation: sourceLocation) }
    }

    /// A small valid blob: `int`, `struct s { int a; int b; }`.
    static func valid(littleEndian: Bool = true) -> BTFBuilder {
        var b = BTFBuilder(littleEndian: littleEndian)
        let int = b.int()
        _ = b.structType("s", size: 8, members: [("a", int, 0), ("b", int, 32)])
        return b
    }

    @Test func validBlobBothByteOrders() throws {
        for little in [true, false] {
            let file = try BTFFile(bytes: Self.valid(littleEndian: little).blob(), path: Self.name)
            #expect(file.littleEndian == little)
            // A target of the blob's byte order: the other one is refused (TargetTests).
            let s = try BTFFrontend.snapshot(of: file, records: [], target: little ? "x86_64-linux-gnu" : "powerpc64-linux-gnu")
            let r = try #require(s.record(named: "s"))
            #expect(r.fields.map { "\($0.name)@\($0.offset)" } == ["a@0", "b@4"])
            #expect(r.alignment == 4)
        }
    }

    @Test func truncated() {
        let blob = Self.valid().blob()
        Self.expectOneLine(Self.failure([]), containing: ["truncated"])
        Self.expectOneLine(Self.failure(Array(blob.prefix(10))), containing: ["truncated BTF header"])
        // The header promises more than the file holds.
        Self.expectOneLine(Self.failure(Array(blob.prefix(40))), containing: ["past the end"])
        // Every prefix fails cleanly or (never) succeeds; none traps.
        for n in 0..<blob.count { _ = Self.failure(Array(blob.prefix(n))) }
        // A type record cut short inside the type section.
        var b = Self.valid()
        b.types.removeLast(4)
        Self.expectOneLine(Self.failure(b.blob()), containing: ["truncated inside"])
    }

    @Test func wrongMagicAndVersion() {
        Self.expectOneLine(Self.failure(Self.valid().blob(magic: 0x1234)), containing: ["not BTF", "magic"])
        Self.expectOneLine(Self.failure(Self.valid().blob(version: 2)), containing: ["version 2"])
    }

    @Test func headerLengthsAndOffsetsOverflow() {
        let v = Self.valid()
        Self.expectOneLine(Self.failure(v.blob(hdrLen: 8)), containing: ["header length 8"])
        Self.expectOneLine(Self.failure(v.blob(hdrLen: 0xffff_ffff)), containing: ["header length"])
        Self.expectOneLine(Self.failure(v.blob(typeOff: 0xffff_ffff)), containing: ["type section"])
        Self.expectOneLine(Self.failure(v.blob(typeLen: 0xffff_fff0)), containing: ["type section"])
        Self.expectOneLine(Self.failure(v.blob(strOff: 0xffff_ffff, strLen: 0xffff_ffff)), containing: ["string section"])
        Self.expectOneLine(Self.failure(v.blob(strLen: 0)), containing: ["string section"])
    }

    @Test func stringOffsetOutOfRange() {
        var b = BTFBuilder()
        _ = b.type(name: 9999, kind: 1, sizeOrType: 4, extra: [32])
        Self.expectOneLine(Self.failure(b.blob()), containing: ["name offset 9999"])
        var m = BTFBuilder()
        let int = m.int()
        _ = m.type(name: m.string("s"), kind: 4, vlen: 1, sizeOrType: 4, extra: [0x00ff_ffff, int, 0])
        Self.expectOneLine(Self.failure(m.blob()), containing: ["member name offset"])
    }

    /// Names the model keeps must be C identifiers, and no string may hold control characters.
    @Test func namesThatAreNotIdentifiers() {
        var b = BTFBuilder()
        let int = b.int()
        _ = b.structType("two words", size: 4, members: [("a", int, 0)])
        Self.expectOneLine(Self.failure(b.blob()), containing: ["not a C identifier"])
        var m = BTFBuilder()
        let i = m.int()
        _ = m.structType("s", size: 4, members: [("a-b", i, 0)])
        Self.expectOneLine(Self.failure(m.blob()), containing: ["not a C identifier", "struct s"])
        var c = BTFBuilder()
        _ = c.structType("bell\u{07}", size: 0, members: [])
        Self.expectOneLine(Self.failure(c.blob()), containing: ["control character"])
    }

    @Test func bitfieldWiderThan128Bits() {
        var b = BTFBuilder()
        let int = b.int()
        // kind_flag set: member offset word = width << 24 | bit offset.
        _ = b.type(name: b.string("s"), kind: 4, vlen: 1, kindFlag: true, sizeOrType: 4, extra: [b.string("w"), int, 200 << 24])
        Self.expectOneLine(Self.failure(b.blob()), containing: ["200 bits"])
    }

    @Test func typeIDOutOfRange() {
        var b = Self.valid()
        _ = b.type(kind: 2, sizeOrType: 77)   // PTR to type 77
        Self.expectOneLine(Self.failure(b.blob()), containing: ["type id 77"])
        var m = BTFBuilder()
        _ = m.structType("s", size: 4, members: [("a", 500, 0)])
        Self.expectOneLine(Self.failure(m.blob()), containing: ["type id 500"])
        var a = BTFBuilder()
        let int = a.int()
        _ = a.type(kind: 3, sizeOrType: 0, extra: [int, 12345, 4])   // ARRAY with a bad index type
        Self.expectOneLine(Self.failure(a.blob()), containing: ["type id 12345"])
    }

    @Test func unknownKind() {
        var b = Self.valid()
        _ = b.type(kind: 25, sizeOrType: 0)
        Self.expectOneLine(Self.failure(b.blob()), containing: ["unknown kind 25"])
    }

    @Test func loopThroughTypedefs() {
        var b = BTFBuilder()
        // 1: typedef A -> 2, 2: typedef B -> 1, 3: struct s { A a; }
        _ = b.type(name: b.string("A"), kind: 8, sizeOrType: 2)
        _ = b.type(name: b.string("B"), kind: 8, sizeOrType: 1)
        _ = b.structType("s", size: 4, members: [("a", 1, 0)])
        Self.expectOneLine(Self.failure(b.blob()), containing: ["loop"])
    }

    @Test func loopThroughPointersAndQualifiers() {
        var b = BTFBuilder()
        // 1: PTR -> 2, 2: CONST -> 3, 3: PTR -> 1, 4: struct s { p }
        _ = b.type(kind: 2, sizeOrType: 2)
        _ = b.type(kind: 10, sizeOrType: 3)
        _ = b.type(kind: 2, sizeOrType: 1)
        _ = b.structType("s", size: 8, members: [("p", 1, 0)])
        Self.expectOneLine(Self.failure(b.blob()), containing: ["loop"])
        // A pointer to a struct that holds the pointer is no loop.
        var ok = BTFBuilder()
        _ = ok.type(kind: 2, sizeOrType: 2)
        _ = ok.structType("node", size: 8, members: [("next", 1, 0)])
        #expect(Self.failure(ok.blob()) == nil)
    }

    @Test func structContainingItself() {
        var b = BTFBuilder()
        _ = b.structType("s", size: 8, members: [("me", 1, 0)])
        Self.expectOneLine(Self.failure(b.blob()), containing: ["type id 1"])
        // Through an anonymous member, which is walked for flattening.
        var a = BTFBuilder()
        _ = a.type(kind: 4, vlen: 1, sizeOrType: 8, extra: [0, 1, 0])
        _ = a.type(name: a.string("t"), kind: 8, sizeOrType: 1)
        Self.expectOneLine(Self.failure(a.blob()), containing: ["type id 1"])
    }

    @Test func hundredThousandDeepChain() {
        var b = BTFBuilder()
        let int = b.int()
        var top = int
        for i in 0..<100_000 { top = b.type(kind: i % 3 == 0 ? 8 : 2, sizeOrType: top) }
        _ = b.structType("deep", size: 8, members: [("p", top, 0)])
        Self.expectOneLine(Self.failure(b.blob()), containing: ["deeper than"])
        var c = BTFBuilder()
        var id = c.int()
        for _ in 0..<100_000 { id = c.type(kind: 10, sizeOrType: id) }   // CONST CONST CONST ... int
        _ = c.structType("deepconst", size: 4, members: [("c", id, 0)])
        Self.expectOneLine(Self.failure(c.blob()), containing: ["deeper than"])
    }

    @Test func absurdSizes() {
        var b = BTFBuilder()
        let int = b.int()
        let array = b.type(kind: 3, sizeOrType: 0, extra: [int, int, 0xffff_ffff])
        let outer = b.type(kind: 3, sizeOrType: 0, extra: [array, int, 0xffff_ffff])
        _ = b.structType("huge", size: 8, members: [("a", outer, 0)])
        Self.expectOneLine(Self.failure(b.blob()), containing: ["larger than 4 GiB"])
        // A record whose declared size does not hold the members, and a member at the largest bit offset: no trap.
        var c = BTFBuilder()
        let i = c.int()
        _ = c.structType("odd", size: 1, members: [("x", i, 0x00ff_ffff)])
        _ = Self.failure(c.blob())
    }

    @Test func filesThatAreNotBlobs() throws {
        for path in ["/dev/zero", "/", "/nonexistent/btf"] {
            do {
                _ = try BTFFile(path: path)
                Issue.record("\(path) was accepted")
            } catch let e as BTFError {
                #expect(e.description.hasPrefix(path + ": ") && !e.description.contains("\n"), "\(e)")
            }
        }
    }

    @Test func elfDefects() {
        // Not enough bytes for an ELF header, no section table, and a .BTF section past the end of the file.
        Self.expectOneLine(Self.failure([0x7f, 0x45, 0x4c, 0x46, 2, 1]), containing: ["truncated ELF header"])
        var elf = [UInt8](repeating: 0, count: 64)
        elf[0] = 0x7f; elf[1] = 0x45; elf[2] = 0x4c; elf[3] = 0x46; elf[4] = 2; elf[5] = 1
        Self.expectOneLine(Self.failure(elf), containing: ["no section headers"])
        elf[4] = 7
        Self.expectOneLine(Self.failure(elf), containing: ["ELF class 7"])
    }

    /// Random corruption of a real compiler's BTF: every result is a value or one-line error, never a trap.
    @Test func corruptedCompilerOutput() throws {
        guard have("clang") else { Issue.record("clang is needed to make BTF to corrupt"); return }
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reference = try FixtureOracleTests.libclangSnapshot("anonymous.h", target: "bpf")
        let object = try FixtureOracleTests.object("anonymous.h", producer: .clangBPF, reference: reference, in: dir)
        let bytes = try #require(FileManager.default.contents(atPath: object)).map { $0 }
        var rng = SplitMix(seed: 13)
        for _ in 0..<400 {
            var b = bytes
            for _ in 0..<(1 + Int(rng.next() % 8)) {
                let at = Int(rng.next() % UInt64(b.count))
                b[at] = UInt8(truncatingIfNeeded: rng.next())
            }
            if let message = Self.failure(b) { #expect(!message.contains("\n")) }
        }
    }
}

/// A small deterministic random number generator for corruption tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
