@testable import ABIModel
import Foundation
import Testing

/// A BTF snapshot's recorded selection (`source.selection`): written as JSONEncoder writes it, read by both readers,
/// validated, and absent in snapshots written before it was recorded.
@Suite("The recorded selection of a BTF source")
struct BTFSourceSelectionTests {
    static func snapshot(_ selection: BTFSource.Selection?) -> ABISnapshot {
        var s = Sample.valid
        s.source = .btf(BTFSource(path: "/sys/kernel/btf/vmlinux", selection: selection))
        s.normalize()
        return s
    }

    @Test("the selection round-trips through the fast writer (the same bytes as JSONEncoder) and both readers; nil prefixes omit the key")
    func roundTrip() throws {
        let selections: [BTFSource.Selection?] = [
            nil,
            .init(records: [], constantPrefixes: nil),
            .init(records: ["io_uring_*", "io_sqring_offsets"], constantPrefixes: ["IORING_", "IOSQE_"]),
            .init(records: ["foo"], constantPrefixes: []),
            .init(records: ["caf\u{e9}_*", "a\"b\\c"], constantPrefixes: ["\u{1F600}"]),
        ]
        for selection in selections {
            let s = Self.snapshot(selection)
            let data = try s.jsonData()
            #expect(data == (try s.foundationJSONData()), "the fast writer writes what JSONEncoder writes: \(String(describing: selection))")
            #expect(try ABISnapshot.fastDecode(data) == s)
            #expect(try ABISnapshot.foundationDecode(data, path: "s") == s)
            #expect(try ABISnapshot.decode(data, path: "s").source?.btf?.selection == selection)
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.contains("\"selection\"") == (selection != nil))
            #expect(text.contains("\"constantPrefixes\"") == (selection?.constantPrefixes != nil), "nil (every enumerator) omits the key")
        }
    }

    @Test("a snapshot written before the selection was recorded reads with none; a selection without records is refused by both readers")
    func olderAndMalformed() throws {
        let plain = String(decoding: try Self.snapshot(nil).jsonData(), as: UTF8.self)
        #expect(try ABISnapshot.decode(Data(plain.utf8), path: "old").source == .btf(BTFSource(path: "/sys/kernel/btf/vmlinux")))
        let broken = plain.replacingOccurrences(of: "\"path\" : \"/sys/kernel/btf/vmlinux\"",
                                                with: "\"path\" : \"/sys/kernel/btf/vmlinux\", \"selection\" : { \"constantPrefixes\" : [] }")
        #expect(broken != plain)
        #expect(throws: SnapshotError.self) { try ABISnapshot.decode(Data(broken.utf8), path: "b") }
        #expect((try? JSONDecoder().decode(ABISnapshot.self, from: Data(broken.utf8))) == nil)
        let wrongType = plain.replacingOccurrences(of: "\"path\" : \"/sys/kernel/btf/vmlinux\"",
                                                   with: "\"path\" : \"/sys/kernel/btf/vmlinux\", \"selection\" : { \"records\" : [1] }")
        #expect(throws: SnapshotError.self) { try ABISnapshot.decode(Data(wrongType.utf8), path: "b") }
    }

    @Test("validation: a control character in a glob or prefix, and a glob over 4096 bytes, are refused naming the source")
    func validation() {
        #expect(Sample.problem(Self.snapshot(.init(records: ["io_uring_*"], constantPrefixes: ["IORING_"]))) == nil)
        #expect(Sample.problem(Self.snapshot(.init(records: [String(repeating: "a", count: 4096)], constantPrefixes: nil))) == nil)
        let long = Sample.problem(Self.snapshot(.init(records: [String(repeating: "a", count: 4097)], constantPrefixes: nil)))
        #expect(long?.contains("4097 bytes") == true, "\(long ?? "accepted")")
        let control = Sample.problem(Self.snapshot(.init(records: ["a\u{1}b"], constantPrefixes: nil)))
        #expect(control?.contains("source: record filter") == true, "\(control ?? "accepted")")
        let prefix = Sample.problem(Self.snapshot(.init(records: [], constantPrefixes: ["IORING_\n"])))
        #expect(prefix?.contains("source: constant prefix") == true, "\(prefix ?? "accepted")")
    }
}
