import ABIBTF
import ABIModel
import Foundation
import Testing

/// Gaps an outside review of the BTF frontend found (fifth round), each with a hand-built blob.
@Suite struct ReviewFixesTests {
    /// Enumerators of one name in several enums: the first definition is kept, and a later one with another
    /// value is listed as unsupported instead of vanishing.
    @Test func repeatedEnumeratorWithAnotherValueIsListed() throws {
        var b = BTFBuilder()
        for (tag, value) in [("e1", UInt32(1)), ("e2", 2), ("e3", 1)] {
            _ = b.type(name: b.string(tag), kind: 6, vlen: 1, sizeOrType: 4, extra: [b.string("X"), value])
        }
        let s = try BTFFrontend.snapshot(of: try BTFFile(bytes: b.blob(), path: "enums.btf"), records: [], target: "x86_64-linux-gnu")
        #expect(s.constants.map(\.name) == ["X"])
        #expect(s.constants.first?.value == .signed(1))
        #expect(s.constants.first?.enumName == "e1")
        let notes = s.unsupported.filter { $0.name == "X" }
        #expect(notes.count == 1, "\(s.unsupported)")
        #expect(notes.first?.reason.contains("enum e2 defines it again as 2") == true, "\(notes)")
    }

    /// A member held by value whose type is void, a function or only declared: C has no such member.
    @Test(arguments: ["void", "function", "forward", "variable", "datasec", "decl_tag"])
    func memberOfImpossibleType(_ which: String) throws {
        var b = BTFBuilder()
        let int = b.int()
        let type: UInt32
        switch which {
        case "void": type = 0
        case "function": type = b.type(kind: 13, vlen: 0, sizeOrType: int)
        case "variable": type = b.type(name: b.string("v"), kind: 14, sizeOrType: int, extra: [0])
        case "datasec": type = b.type(name: b.string(".data"), kind: 15, vlen: 0, sizeOrType: 0)
        case "decl_tag": type = b.type(name: b.string("tag"), kind: 17, sizeOrType: int, extra: [UInt32.max])
        default: type = b.type(name: b.string("later"), kind: 7, sizeOrType: 0)
        }
        _ = b.structType("holder", size: 8, members: [("n", int, 0), ("bad", type, 32)])
        let file = try BTFFile(bytes: b.blob(), path: "member.btf")
        #expect {
            _ = try BTFFrontend.snapshot(of: file, records: ["holder"], target: "x86_64-linux-gnu")
        } throws: { error in
            "\(error)".contains("member 'bad' has a type no member can have")
        }
    }
}
