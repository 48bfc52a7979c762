import ABIBTF
import ABIModel
import Foundation
import Testing

/// The target a BTF blob is read for: a given triple must describe the machine the blob describes.
@Suite struct TargetTests {
    /// A blob with `long int` (8 bytes) and `struct s { long v; }`, in either byte order.
    static func blob(littleEndian: Bool) -> [UInt8] {
        var b = BTFBuilder()
        b.littleEndian = littleEndian
        let long = b.int("long int", size: 8)
        _ = b.structType("s", size: 8, members: [("v", long, 0)])
        return b.blob()
    }

    static func message(_ bytes: [UInt8], target: String) -> String? {
        do {
            _ = try BTFFrontend.read(try BTFFile(bytes: bytes, path: "k.btf"), options: BTFOptions(target: target))
            return nil
        } catch let e as BTFError {
            return e.description
        } catch {
            return "\(error)"
        }
    }

    @Test("a big-endian target for a little-endian blob (and the reverse) is refused, naming both byte orders")
    func byteOrderMismatch() throws {
        let little = Self.blob(littleEndian: true), big = Self.blob(littleEndian: false)
        for target in ["powerpc64-linux-gnu", "s390x-linux-gnu", "aarch64_be-linux-gnu", "armeb-linux-gnueabi", "mips64-linux-gnuabi64"] {
            let m = try #require(Self.message(little, target: target), "\(target) on a little-endian blob is refused")
            #expect(m.hasPrefix("k.btf: ") && m.contains("big-endian") && m.contains("little-endian"), "\(m)")
            #expect(!m.contains("\n"))
        }
        let m = try #require(Self.message(big, target: "x86_64-linux-gnu"), "x86_64 on a big-endian blob is refused")
        #expect(m.contains("target x86_64-linux-gnu is little-endian, but this BTF is big-endian"), "\(m)")
        // The matching byte order reads.
        #expect(Self.message(little, target: "x86_64-linux-gnu") == nil)
        #expect(Self.message(big, target: "powerpc64-linux-gnu") == nil)
        #expect(Self.message(big, target: "s390x-linux-gnu") == nil)
    }

    @Test("m68k: big-endian against a little-endian blob; on a big-endian blob, an architecture whose alignment rules are unknown")
    func m68k() throws {
        let onLittle = try #require(Self.message(Self.blob(littleEndian: true), target: "m68k-linux-gnu"))
        #expect(onLittle.contains("target m68k-linux-gnu is big-endian, but this BTF is little-endian"), "\(onLittle)")
        let onBig = try #require(Self.message(Self.blob(littleEndian: false), target: "m68k-linux-gnu"))
        #expect(onBig.contains("alignment rules of architecture 'm68k'"), "\(onBig)")
        #expect(!onBig.contains("unknown target"), "the old message said only 'unknown target'")
    }

    @Test("a target whose long differs from the blob's long (i686 on a 64-bit kernel's BTF) is refused")
    func longSizeMismatch() throws {
        let m = try #require(Self.message(Self.blob(littleEndian: true), target: "i686-linux-gnu"))
        #expect(m.contains("32-bit long") && m.contains("64 bits"), "\(m)")
    }

    @Test("the snapshot records its source: the BTF file's path as given")
    func sourceIsRecorded() throws {
        let file = try BTFFile(bytes: Self.blob(littleEndian: true), path: "some/dir/k.btf")
        let s = try BTFFrontend.read(file, options: BTFOptions(target: "x86_64-linux-gnu")).snapshot
        #expect(s.source == .btf(BTFSource(path: "some/dir/k.btf")))
        #expect(s.source?.headers == nil)
    }

    @Test("the canonical spelling shortcut: typedefs and unnamed tags still resolve, plain chains equal their spelling")
    func canonicalSpellings() throws {
        var b = BTFBuilder()
        let int = b.int()
        let u32 = b.type(name: b.string("u32"), kind: 8, sizeOrType: int)
        let constU32 = b.type(kind: 10, sizeOrType: u32)
        let ptrConstU32 = b.type(kind: 2, sizeOrType: constU32)
        let named = b.structType("inner", size: 4, members: [("x", int, 0)])
        let ptrNamed = b.type(kind: 2, sizeOrType: named)
        let arrayPtr = b.type(kind: 3, sizeOrType: 0, extra: [ptrNamed, int, 2])
        let anon = b.type(kind: 4, vlen: 1, sizeOrType: 4, extra: [b.string("y"), int, 0])
        let ptrAnon = b.type(kind: 2, sizeOrType: anon)
        _ = b.structType("outer", size: 40, members: [("a", ptrConstU32, 0), ("b", arrayPtr, 64), ("c", ptrAnon, 192), ("d", u32, 256)])
        let s = try BTFFrontend.snapshot(of: try BTFFile(bytes: b.blob(), path: "t.btf"), records: ["outer"], target: "x86_64-linux-gnu")
        let r = try #require(s.record(named: "outer"))
        func types(_ n: String) -> String { r.field(named: n).map { "\($0.type.spelling) | \($0.type.canonical)" } ?? "missing" }
        #expect(types("a") == "const u32 * | const int *")
        #expect(types("b") == "struct inner *[2] | struct inner *[2]")
        #expect(types("c") == "struct <unnamed> * | struct outer::<unnamed> *")
        #expect(types("d") == "u32 | int")
    }
}
