import ABIBackends
import Foundation
import TestSupport
import Testing

/// Compiles `source` with clang for `target` (compile only, `-fintegrated-as` so no cross assembler is needed).
func compileBigEndianObject(_ source: String, target: String) throws -> [UInt8] {
    let dir = NSTemporaryDirectory() + "abigen-be-elf-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try source.write(toFile: dir + "/o.c", atomically: true, encoding: .utf8)
    let r = try runProgram("clang", ["-target", target, "-fintegrated-as", "-ffreestanding", "-c", "-o", dir + "/o.o", dir + "/o.c"])
    guard r.status == 0 else { throw CocoaError(.fileReadUnknown) }
    return try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/o.o")))
}

/// The byte orders and classes: (target, machine, ELF64, big-endian).
let elfFlavours: [(String, String, Bool, Bool)] = [
    ("s390x-linux-gnu", "s390", true, true), ("powerpc64-linux-gnu", "powerpc64", true, true),
    ("powerpc-linux-gnu", "powerpc", false, true), ("mips-linux-gnu", "mips", false, true),
    ("mips64-linux-gnuabi64", "mips", true, true), ("sparc64-linux-gnu", "sparcv9", true, true),
    ("m68k-linux-gnu", "m68k", false, true), ("mipsel-linux-gnu", "mips", false, false),
    ("riscv64-linux-gnu", "riscv", true, false), ("x86_64-linux-gnux32", "x86_64", false, false),
]

@Suite("ELF reader: both byte orders, ELF32 and ELF64")
struct BigEndianELFTests {
    static let source = """
    const unsigned long long word = 0x1122334455667788ULL;
    const unsigned char bytes[5] = { 1, 2, 3, 250, 255 };
    struct pair { unsigned short a; unsigned int b; };
    const struct pair pair = { 0xBEEF, 0xA5A5A5A5u };
    unsigned int zeroed[3];
    """

    @Test("symbol bytes are the compiler's, in the target's byte order", arguments: elfFlavours)
    func symbols(_ target: String, _ machine: String, _ is64: Bool, _ big: Bool) throws {
        let elf = try ELFFile(bytes: try compileBigEndianObject(Self.source, target: target))
        #expect(elf.is64Bit == is64)
        #expect(elf.isBigEndian == big)
        #expect(elf.machine.description == machine)
        let word: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]
        #expect(try elf.contents(of: "word") == (big ? word : word.reversed()))
        #expect(try elf.contents(of: "bytes") == [1, 2, 3, 250, 255])
        let pair = try elf.contents(of: "pair")
        #expect(Array(pair[0..<2]) == (big ? [0xBE, 0xEF] : [0xEF, 0xBE]))
        #expect(try elf.contents(of: "zeroed") == [UInt8](repeating: 0, count: 12))
    }

    @Test("an unknown byte order (EI_DATA 0 or 3) is an error")
    func unknownByteOrder() throws {
        var b = try compileBigEndianObject(Self.source, target: "s390x-linux-gnu")
        for v: UInt8 in [0, 3, 255] {
            b[5] = v
            #expect(throws: ELFError.self) { try ELFFile(bytes: b) }
        }
    }
}

/// Hostile big-endian objects: the same absurd offsets and sizes as for little-endian ones, written in the object's order.
@Suite("ELF reader: hostile objects in both byte orders")
struct HostileBigEndianELFTests {
    static let source = "const unsigned long long word = 0x1122334455667788ULL;\nunsigned int zeroed[3];\n"

    /// Writes an integer of `width` bytes at `at` in the given order.
    static func put(_ value: UInt64, _ width: Int, at: Int, big: Bool, in bytes: inout [UInt8]) {
        for i in 0..<width {
            bytes[big ? at + width - 1 - i : at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))
        }
    }

    /// Reads an integer of `width` bytes at `at`.
    static func get(_ bytes: [UInt8], _ width: Int, at: Int, big: Bool) -> Int {
        var v = 0
        for i in 0..<width { v = v << 8 | Int(bytes[big ? at + i : at + width - 1 - i]) }
        return v
    }

    /// Parses and reads both data symbols; true when it threw somewhere (it must never trap).
    static func fails(_ bytes: [UInt8]) -> Bool {
        do {
            let elf = try ELFFile(bytes: bytes)
            for name in ["word", "zeroed"] { _ = try elf.contents(of: name) }
            return false
        } catch {
            return true
        }
    }

    @Test("truncated at every length: an error, never a trap", arguments: elfFlavours.map(\.0))
    func truncated(_ target: String) throws {
        let bytes = try compileBigEndianObject(Self.source, target: target)
        #expect(!Self.fails(bytes))
        for n in 0..<bytes.count where n < 80 || n % 5 == 0 { _ = Self.fails(Array(bytes.prefix(n))) }
        #expect(Self.fails(Array(bytes.prefix(51))))
    }

    @Test("e_shoff, e_shnum, a section's offset and size, a symbol's value and size: absurd in either order",
          arguments: elfFlavours.map { ($0.0, $0.2, $0.3) })
    func absurdNumbers(_ target: String, _ is64: Bool, _ big: Bool) throws {
        let bytes = try compileBigEndianObject(Self.source, target: target)
        let elf = try ELFFile(bytes: bytes)
        let word = is64 ? 8 : 4
        let shoffAt = is64 ? 0x28 : 0x20, shnumAt = is64 ? 0x3C : 0x30, shentsize = is64 ? 64 : 40
        let shoff = Self.get(bytes, word, at: shoffAt, big: big)
        // The section header offset.
        for v: UInt64 in [UInt64(bytes.count), UInt64(bytes.count - 1), is64 ? UInt64.max : 0xFFFF_FFFF, is64 ? 1 << 63 : 0x8000_0000] {
            var b = bytes
            Self.put(v, word, at: shoffAt, big: big, in: &b)
            #expect(throws: ELFError.self) { try ELFFile(bytes: b) }
        }
        // The section count.
        var b = bytes
        Self.put(0xFFFF, 2, at: shnumAt, big: big, in: &b)
        #expect(throws: ELFError.self) { try ELFFile(bytes: b) }
        // The symbol table's offset and size.
        let symtab = try #require(elf.sections.firstIndex { $0.type == 2 })
        let offAt = shoff + symtab * shentsize + (is64 ? 0x18 : 0x10), sizeAt = offAt + word
        for (at, v) in [(offAt, UInt64(bytes.count)), (sizeAt, UInt64(bytes.count)), (sizeAt, is64 ? UInt64.max : 0xFFFF_FFFF)] {
            var c = bytes
            Self.put(v, word, at: at, big: big, in: &c)
            #expect(throws: ELFError.self) { try ELFFile(bytes: c) }
        }
        // The symbol's value and size: parsing succeeds, reading its bytes does not.
        let section = elf.sections[symtab]
        let index = try #require(elf.symbols.firstIndex { $0.name == "word" })
        let entry = section.offset + index * (is64 ? 24 : 16)
        let valueAt = entry + (is64 ? 8 : 4), symSizeAt = entry + (is64 ? 16 : 8)
        for (at, v) in [(valueAt, UInt64(1) << 30), (symSizeAt, UInt64(1) << 30), (valueAt, is64 ? UInt64(Int.max) : 0xFFFF_FFFF),
                        (symSizeAt, is64 ? UInt64(Int.max) : 0xFFFF_FFFF)] {
            var c = bytes
            Self.put(v, word, at: at, big: big, in: &c)
            #expect(Self.fails(c))
        }
        // A name offset past the string table.
        var d = bytes
        Self.put(0xFFFF_FFFF, 4, at: entry, big: big, in: &d)
        #expect(throws: ELFError.self) { try ELFFile(bytes: d) }
    }

    @Test("thousands of random byte changes never trap", arguments: ["s390x-linux-gnu", "powerpc-linux-gnu", "mips-linux-gnu"])
    func randomCorruption(_ target: String) throws {
        let bytes = try compileBigEndianObject(Self.source, target: target)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 17 }
        var failures = 0
        for _ in 0..<3000 {
            var b = bytes
            for _ in 0..<(1 + Int(next() % 4)) {
                b[Int(next() % UInt64(b.count))] = next() % 3 == 0 ? 0xFF : UInt8(truncatingIfNeeded: next())
            }
            if Self.fails(b) { failures += 1 }
        }
        #expect(failures > 0)
    }
}
