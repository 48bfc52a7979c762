import ABIBackends
import Foundation
import TestSupport
import Testing

/// Compiles `source` with clang for `target` (compile only) and returns the object's path.
func compileObject(_ source: String, target: String) throws -> String {
    let dir = NSTemporaryDirectory() + "abigen-elf-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try source.write(toFile: dir + "/o.c", atomically: true, encoding: .utf8)
    let r = try runProgram("clang", ["-target", target, "-ffreestanding", "-c", "-o", dir + "/o.o", dir + "/o.c"])
    guard r.status == 0 else { throw CocoaError(.fileReadUnknown) }
    return dir + "/o.o"
}

@Suite("ELF reader: symbol bytes read back from objects of four architectures")
struct ELFReaderTests {
    /// The C source states the bytes; the reader must return exactly those for each symbol.
    static let source = """
    const unsigned long long word = 0x1122334455667788ULL;
    const unsigned char bytes[5] = { 1, 2, 3, 250, 255 };
    struct pair { unsigned short a; unsigned int b; };
    const struct pair pair = { 0xBEEF, 0xA5A5A5A5u };
    unsigned int zeroed[3];
    """

    @Test("word, array, struct with padding, and bss symbols", arguments: [
        ("x86_64-linux-gnu", "x86_64", true), ("i686-linux-gnu", "i386", false),
        ("aarch64-linux-gnu", "aarch64", true), ("arm-linux-gnueabihf", "arm", false),
    ])
    func symbols(_ target: String, _ machine: String, _ is64: Bool) throws {
        let path = try compileObject(Self.source, target: target)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let elf = try ELFFile(path: path)
        #expect(elf.is64Bit == is64)
        #expect(elf.machine.description == machine)
        #expect(try elf.contents(of: "word") == [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11])
        #expect(try elf.contents(of: "bytes") == [1, 2, 3, 250, 255])
        let pair = try elf.contents(of: "pair")
        #expect(pair.count == 8)
        #expect(Array(pair[0..<2]) == [0xEF, 0xBE] && Array(pair[4..<8]) == [0xA5, 0xA5, 0xA5, 0xA5])
        #expect(try elf.contents(of: "zeroed") == [UInt8](repeating: 0, count: 12))
        #expect(throws: (any Error).self) { try elf.contents(of: "no_such_symbol") }
    }

    @Test("not an ELF file is an error, not a crash")
    func garbage() {
        #expect(throws: (any Error).self) { try ELFFile(bytes: Array("not an object file".utf8)) }
        #expect(throws: (any Error).self) { try ELFFile(bytes: [0x7F, 0x45, 0x4C, 0x46, 2, 1]) }
    }
}

/// Crafted hostile objects: every offset, size and count the reader trusts, made absurd. Each must be an error, never a trap.
@Suite("ELF reader: hostile objects")
struct HostileELFTests {
    static let source = "const unsigned long long word = 0x1122334455667788ULL;\nunsigned int zeroed[3];\n"

    /// A real object for the target and the reader's view of it.
    static func object(_ target: String) throws -> (bytes: [UInt8], elf: ELFFile) {
        let path = try compileObject(source, target: target)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        return (bytes, try ELFFile(bytes: bytes))
    }

    /// Writes a little-endian integer of `width` bytes at `at`.
    static func put(_ value: UInt64, _ width: Int, at: Int, in bytes: inout [UInt8]) {
        for i in 0..<width { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
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

    @Test("truncated at every length: an error, never a trap", arguments: ["x86_64-linux-gnu", "i686-linux-gnu"])
    func truncated(_ target: String) throws {
        let (bytes, _) = try Self.object(target)
        #expect(!Self.fails(bytes))
        for n in 0..<bytes.count where n < 80 || n % 7 == 0 {
            _ = Self.fails(Array(bytes.prefix(n)))
        }
        // Cutting off the section header table (at the end of clang's objects) is always an error.
        #expect(Self.fails(Array(bytes.dropLast(1))))
        #expect(Self.fails(Array(bytes.prefix(63))))
    }

    @Test("e_shoff of 2^63, 2^64-1, or past the end of the file")
    func hugeSectionHeaderOffset() throws {
        let (bytes, _) = try Self.object("x86_64-linux-gnu")
        for v: UInt64 in [1 << 63, UInt64.max, UInt64(bytes.count), UInt64(bytes.count - 1), UInt64(Int.max - 8)] {
            var b = bytes
            Self.put(v, 8, at: 0x28, in: &b)
            #expect(throws: ELFError.self) { try ELFFile(bytes: b) }
        }
    }

    @Test("e_shnum × e_shentsize past the end, and an extended count (section 0's sh_size) whose product overflows")
    func hugeSectionCount() throws {
        let (bytes, elf) = try Self.object("x86_64-linux-gnu")
        var b = bytes
        Self.put(0xFFFF, 2, at: 0x3A, in: &b)
        Self.put(0xFFFF, 2, at: 0x3C, in: &b)
        #expect(throws: ELFError.self) { try ELFFile(bytes: b) }
        let shoff = Int(bytes[0x28]) | Int(bytes[0x29]) << 8 | Int(bytes[0x2A]) << 16 | Int(bytes[0x2B]) << 24
        for count: UInt64 in [1 << 62, 1 << 58, UInt64(Int.max)] {
            var c = bytes
            Self.put(0, 2, at: 0x3C, in: &c)
            Self.put(count, 8, at: shoff + 0x20, in: &c)   // section 0's sh_size
            #expect(throws: ELFError.self) { try ELFFile(bytes: c) }
        }
        #expect(elf.sections.count > 3)
    }

    @Test("a section's offset or size of 2^63, or past the end of the file")
    func hugeSection() throws {
        let (bytes, elf) = try Self.object("x86_64-linux-gnu")
        let shoff = Int(bytes[0x28]) | Int(bytes[0x29]) << 8 | Int(bytes[0x2A]) << 16 | Int(bytes[0x2B]) << 24
        let symtab = try #require(elf.sections.firstIndex { $0.type == 2 })
        for (field, v) in [(0x18, UInt64(1) << 63), (0x18, UInt64(bytes.count)), (0x20, UInt64(1) << 63), (0x20, UInt64.max),
                           (0x20, UInt64(bytes.count)), (0x38, UInt64.max)] {
            var b = bytes
            Self.put(v, 8, at: shoff + symtab * 64 + field, in: &b)
            #expect(throws: ELFError.self) { try ELFFile(bytes: b) }
        }
    }

    @Test("a symbol whose value or size is 2^63 or more, or points past its section or the file")
    func hostileSymbols() throws {
        let (bytes, elf) = try Self.object("x86_64-linux-gnu")
        let symtab = try #require(elf.sections.first { $0.type == 2 })
        let word = try #require(elf.symbols.firstIndex { $0.name == "word" })
        let zeroed = try #require(elf.symbols.firstIndex { $0.name == "zeroed" })
        let at = symtab.offset + word * 24
        for (field, v) in [(8, UInt64(1) << 63), (16, UInt64(1) << 63), (16, UInt64.max)] {
            var b = bytes
            Self.put(v, 8, at: at + field, in: &b)
            #expect(throws: ELFError.self) { try ELFFile(bytes: b) }
        }
        for (field, v) in [(8, UInt64(1) << 40), (8, UInt64(Int.max - 4)), (16, UInt64(1) << 40), (16, UInt64(Int.max)),
                           (8, UInt64(bytes.count))] {
            var b = bytes
            Self.put(v, 8, at: at + field, in: &b)
            let e = try ELFFile(bytes: b)
            #expect(throws: ELFError.self) { try e.contents(of: "word") }
        }
        // A .bss symbol claiming a terabyte is refused, not allocated.
        var b = bytes
        Self.put(1 << 40, 8, at: symtab.offset + zeroed * 24 + 16, in: &b)
        let e = try ELFFile(bytes: b)
        #expect(throws: ELFError.self) { try e.contents(of: "zeroed") }
        // So is a common symbol (st_shndx SHN_COMMON).
        Self.put(0xFFF2, 2, at: symtab.offset + zeroed * 24 + 6, in: &b)
        #expect(throws: ELFError.self) { try ELFFile(bytes: b).contents(of: "zeroed") }
    }

    @Test("string table offsets out of range: a symbol name, a section name, a string table past the file")
    func hostileStrings() throws {
        let (bytes, elf) = try Self.object("x86_64-linux-gnu")
        let shoff = Int(bytes[0x28]) | Int(bytes[0x29]) << 8 | Int(bytes[0x2A]) << 16 | Int(bytes[0x2B]) << 24
        let symtab = try #require(elf.sections.first { $0.type == 2 })
        let word = try #require(elf.symbols.firstIndex { $0.name == "word" })
        var b = bytes
        Self.put(0xFFFF_FFFF, 4, at: symtab.offset + word * 24, in: &b)
        #expect(throws: ELFError.self) { try ELFFile(bytes: b) }
        b = bytes
        Self.put(0xFFFF_FFFF, 4, at: shoff + 64, in: &b)   // section 1's sh_name
        #expect(throws: ELFError.self) { try ELFFile(bytes: b) }
        // The symbol table's string table turned into SHT_NULL with an offset far past the file.
        b = bytes
        Self.put(0, 4, at: shoff + symtab.link * 64 + 4, in: &b)
        Self.put(1 << 40, 8, at: shoff + symtab.link * 64 + 0x18, in: &b)
        #expect(throws: ELFError.self) { try ELFFile(bytes: b) }
    }

    @Test("thousands of random byte changes to real objects never trap", arguments: ["x86_64-linux-gnu", "i686-linux-gnu"])
    func randomCorruption(_ target: String) throws {
        let (bytes, _) = try Self.object(target)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 17 }
        var failures = 0
        for _ in 0..<3000 {
            var b = bytes
            for _ in 0..<(1 + Int(next() % 4)) {
                let at = Int(next() % UInt64(b.count))
                b[at] = next() % 3 == 0 ? 0xFF : UInt8(truncatingIfNeeded: next())
            }
            if Self.fails(b) { failures += 1 }
        }
        #expect(failures > 0)
    }
}
