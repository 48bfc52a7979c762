import ABIBTF
import ABIModel
import Foundation
import Testing

/// How BTF types map onto the model where no compiler oracle covers it yet (hand-built BTF).
@Suite struct ModelMappingTests {
    /// `struct outer { int n; struct { int a; short b; } items[3]; }`: the shared contract of issue 11 makes the
    /// element type a record of its own, named after the field, with a `__typeof__` C name.
    @Test func arrayOfAnonymousStructGetsItsOwnRecord() throws {
        var b = BTFBuilder()
        let int = b.int()
        let short = b.int("short", size: 2)
        let element = b.type(kind: 4, vlen: 2, sizeOrType: 8, extra: [b.string("a"), int, 0, b.string("b"), short, 32])
        let array = b.type(kind: 3, sizeOrType: 0, extra: [element, int, 3])
        _ = b.structType("outer", size: 28, members: [("n", int, 0), ("items", array, 32)])
        let s = try BTFFrontend.snapshot(of: try BTFFile(bytes: b.blob(), path: "t.btf"), records: ["outer"], target: "x86_64-linux-gnu")
        #expect(s.records.map(\.name) == ["outer", "outer_items"])
        let items = try #require(s.record(named: "outer")?.field(named: "items"))
        #expect(items.type.record == "outer_items")
        #expect(items.type.arrayDimensions == [3])
        #expect(items.size == 24)
        let e = try #require(s.record(named: "outer_items"))
        #expect(e.cName == "__typeof__(((struct outer *)0)->items[0])")
        #expect(e.size == 8 && e.alignment == 4)
        #expect(e.fields.map { "\($0.name)@\($0.offset)" } == ["a@0", "b@4"])
    }

    /// A typedef of an anonymous struct is a record under the typedef's name; the struct itself is not listed.
    @Test func typedefOfAnonymousStruct() throws {
        var b = BTFBuilder()
        let int = b.int()
        let anon = b.type(kind: 4, vlen: 1, sizeOrType: 4, extra: [b.string("v"), int, 0])
        _ = b.type(name: b.string("my_t"), kind: 8, sizeOrType: anon)
        let s = try BTFFrontend.snapshot(of: try BTFFile(bytes: b.blob(), path: "t.btf"), records: [], target: "x86_64-linux-gnu")
        #expect(s.records.map(\.name) == ["my_t"])
        #expect(s.records.first?.cName == "my_t")
    }

    /// Alignment is inferred: i386 aligns `long long` to 4 in records, x86_64 to 8; an offset off its natural
    /// alignment means packed; a hole before a member means a raised alignment.
    @Test func inferredAlignmentPerTarget() throws {
        var b = BTFBuilder()
        let char = b.int("char", size: 1)
        let ll = b.int("long long int", size: 8)
        _ = b.structType("natural", size: 12, members: [("c", char, 0), ("l", ll, 32)])
        _ = b.structType("packed", size: 9, members: [("c", char, 0), ("l", ll, 8)])
        _ = b.structType("raised", size: 128, members: [("c", char, 0), ("l", ll, 64 * 8)])
        let file = try BTFFile(bytes: b.blob(), path: "t.btf")
        let i386 = try BTFFrontend.read(file, options: BTFOptions(target: "i386-linux-gnu"))
        #expect(i386.snapshot.record(named: "natural")?.alignment == 4)
        #expect(i386.snapshot.record(named: "natural")?.packed == false)
        #expect(i386.snapshot.record(named: "packed")?.packed == true)
        #expect(i386.snapshot.record(named: "packed")?.alignment == 1)
        #expect(i386.snapshot.record(named: "raised")?.alignment == 64)
        #expect(i386.alignment.first { $0.record == "raised" }?.raisedByOffsets == true)
        #expect(i386.alignment.allSatisfy { $0.inferred })
        let x86 = try BTFFrontend.read(file, options: BTFOptions(target: "x86_64-linux-gnu"))
        // On x86_64 the `long long` at offset 4 contradicts its alignment of 8.
        #expect(x86.snapshot.record(named: "natural")?.packed == true)
        #expect(x86.snapshot.target == "x86_64-linux-gnu")
        #expect(throws: BTFError.self) { try BTFFrontend.read(file, options: BTFOptions(target: "vax-dec-ultrix")) }
    }

    /// gcc's integer names become clang's spellings; BTF's signedness and `_Bool` carry over.
    @Test func integerSpellings() throws {
        var b = BTFBuilder()
        let names = ["long unsigned int", "short int", "long long int", "char", "unsigned char", "__int128 unsigned", "_Bool"]
        var members: [(String, UInt32, UInt32)] = []
        for (i, n) in names.enumerated() {
            let size: UInt32 = n.contains("__int128") ? 16 : n.contains("long") ? 8 : n.contains("short") ? 2 : 1
            let signed = !n.contains("unsigned") && n != "_Bool"
            members.append(("m\(i)", b.int(n, size: size, signed: signed), UInt32(i) * 16 * 8))
        }
        _ = b.structType("ints", size: 16 * 8, members: members)
        let s = try BTFFrontend.snapshot(of: try BTFFile(bytes: b.blob(), path: "t.btf"), records: [], target: "x86_64-linux-gnu")
        let spelled = try #require(s.record(named: "ints")).fields.map(\.type.canonical)
        #expect(spelled == ["unsigned long", "short", "long long", "char", "unsigned char", "unsigned __int128", "_Bool"])
    }
}
