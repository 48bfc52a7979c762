import ABIBTF
import ABIModel
import Foundation
import Testing

/// The BTF frontend scans types and lays records out on several threads; nothing it returns may depend on how
/// many. Each test reads the same blob with one thread and with several and compares.
@Suite struct ParallelTests {
    /// Records whose arrays of anonymous structs make element records, whose names collide with records that
    /// exist and with each other (`p_q` is both a record and the element name of `p.q`): the `_` suffixes are
    /// handed out in one order whatever the threads.
    static func collidingBlob(records: Int) -> [UInt8] {
        var b = BTFBuilder()
        let int = b.int()
        for i in 0..<records {
            let element = b.type(kind: 4, vlen: 1, sizeOrType: 4, extra: [b.string("v"), int, 0])
            let array = b.type(kind: 3, sizeOrType: 0, extra: [element, int, 2])
            // r<i> has items[2] of an anonymous struct: element record r<i>_items, which record r<i>_items also claims.
            _ = b.structType("r\(i)", size: 12, members: [("n", int, 0), ("items", array, 32)])
            _ = b.structType("r\(i)_items", size: 4, members: [("w", int, 0)])
            // An enum per record, with one enumerator shared by all of them: the first definition wins.
            _ = b.type(name: b.string("e\(i)"), kind: 6, vlen: 2, sizeOrType: 4,
                       extra: [b.string("E\(i)"), UInt32(i), b.string("SHARED"), UInt32(i)])
        }
        // x<i> (early ids) and x<i>_y (late ids, so another thread's stretch) both make an element record
        // x<i>_y_z: the one with the lower id gets the name, the other x<i>_y_z_.
        func anonymousArray() -> UInt32 {
            let element = b.type(kind: 4, vlen: 1, sizeOrType: 4, extra: [b.string("v"), int, 0])
            return b.type(kind: 3, sizeOrType: 0, extra: [element, int, 1])
        }
        for i in 0..<records { _ = b.structType("x\(i)", size: 4, members: [("y_z", anonymousArray(), 0)]) }
        for i in 0..<records { _ = b.structType("x\(i)_y", size: 4, members: [("z", anonymousArray(), 0)]) }
        return b.blob()
    }

    @Test func sameSnapshotWhateverTheThreads() throws {
        let file = try BTFFile(bytes: Self.collidingBlob(records: 300), path: "many.btf")
        let one = try BTFFrontend.read(file, options: BTFOptions(target: "x86_64-linux-gnu", workers: 1))
        #expect(one.snapshot.records.count == 2_100)
        #expect(one.snapshot.record(named: "x9_y_z")?.cName == "__typeof__(((struct x9 *)0)->y_z[0])")
        #expect(one.snapshot.record(named: "x9_y_z_")?.cName == "__typeof__(((struct x9_y *)0)->z[0])")
        #expect(one.snapshot.record(named: "r7_items_")?.cName == "__typeof__(((struct r7 *)0)->items[0])")
        #expect(one.snapshot.record(named: "r7")?.field(named: "items")?.type.record == "r7_items_")
        #expect(one.snapshot.constants.first { $0.name == "SHARED" }?.value == .signed(0))
        let bytes = try one.snapshot.jsonData()
        for workers in [2, 3, 7, 64] {
            let many = try BTFFrontend.read(file, options: BTFOptions(target: "x86_64-linux-gnu", workers: workers))
            // Compared as booleans: a failure prints which thread count, not two whole snapshots.
            let sameSnapshot = many.snapshot == one.snapshot
            let sameNotes = many.alignment == one.alignment
            let sameBytes = try many.snapshot.jsonData() == bytes
            #expect(sameSnapshot && sameNotes && sameBytes, "workers: \(workers)")
        }
    }

    /// Two bad names, in the first and the last stretch of type ids: the first in id order is reported.
    @Test func firstErrorInIdOrderWhateverTheThreads() throws {
        var b = BTFBuilder()
        let int = b.int()
        _ = b.type(name: b.string("bad-enum"), kind: 6, vlen: 1, sizeOrType: 4, extra: [b.string("A"), 1])
        for i in 0..<200 { _ = b.structType("s\(i)", size: 4, members: [("v", int, 0)]) }
        _ = b.structType("bad struct", size: 4, members: [("v", int, 0)])
        let file = try BTFFile(bytes: b.blob(), path: "two-errors.btf")
        var messages: Set<String> = []
        for workers in [1, 2, 5] {
            #expect(throws: BTFError.self) { try BTFFrontend.read(file, options: BTFOptions(workers: workers)) }
            do { _ = try BTFFrontend.read(file, options: BTFOptions(workers: workers)) } catch { messages.insert("\(error)") }
        }
        #expect(messages.count == 1)
        #expect(messages.first?.contains("ENUM type id 2") == true, "\(messages)")
    }

    /// A member of a record in the last stretch lies beyond its record: refused whatever the threads.
    @Test func impossibleLayoutRefusedWhateverTheThreads() throws {
        var b = BTFBuilder()
        let int = b.int()
        for i in 0..<50 { _ = b.structType("s\(i)", size: 4, members: [("v", int, 0)]) }
        _ = b.structType("broken", size: 4, members: [("v", int, 64)])
        let file = try BTFFile(bytes: b.blob(), path: "broken.btf")
        var messages: Set<String> = []
        for workers in [1, 2, 4] {
            do {
                _ = try BTFFrontend.read(file, options: BTFOptions(workers: workers))
                Issue.record("workers \(workers): a member beyond its record was accepted")
            } catch { messages.insert("\(error)") }
        }
        #expect(messages.count == 1)
        #expect(messages.first?.contains("broken") == true, "\(messages)")
    }

    /// The whole running kernel: one thread and several give the same JSON bytes.
    @Test func wholeKernelSameBytesWhateverTheThreads() throws {
        guard let file = Vmlinux.required("wholeKernelSameBytesWhateverTheThreads") else { return }
        let one = try BTFFrontend.read(file, options: BTFOptions(workers: 1)).snapshot.jsonData()
        let three = try BTFFrontend.read(file, options: BTFOptions(workers: 3)).snapshot.jsonData()
        #expect(one == three)
    }
}
