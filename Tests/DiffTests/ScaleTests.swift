import ABIBackends
import ABIModel
import Testing

@Suite("differ at scale and determinism")
struct ScaleTests {
    /// `count` synthetic records of 8 members each, and 10 constants per record.
    static func big(_ count: Int, touch: Set<Int> = []) -> ABISnapshot {
        var records: [Record] = []
        var constants: [Constant] = []
        for i in 0..<count {
            var fields = (0..<8).map { Make.field("m\($0)", $0 * 8, 8) }
            if touch.contains(i) { fields[3].offset += 1 }               // one moved member
            records.append(Make.record("rec\(i)", size: 64, fields))
            for j in 0..<10 {
                constants.append(Make.macro("REC\(i)_C\(j)", UInt64(touch.contains(i) && j == 0 ? 999 : j)))
            }
        }
        return Make.snapshot(records, constants)
    }

    @Test("2,600 records and 26,000 constants: exactly the touched ones reported")
    func large() {
        let touched: Set<Int> = [0, 17, 1299, 2599]
        let changes = ABIDiffer.diff(old: Self.big(2600), new: Self.big(2600, touch: touched))
        #expect(changes.count == 2 * touched.count)
        #expect(Set(changes.filter { $0.kind == "field-moved" }.compactMap(\.record)) == Set(touched.map { "struct rec\($0)" }))
        #expect(Set(changes.filter { $0.kind == "constant-value-changed" }.compactMap(\.constant)) == Set(touched.map { "REC\($0)_C0" }))
    }

    @Test("output order does not depend on input order")
    func deterministic() {
        let a = AnonymousTests.sqeLike(splitReserved: false), b = AnonymousTests.sqeLike(splitReserved: true)
        let old = Make.snapshot([a, Make.record("gone", size: 8, [Make.field("x", 0, 8)])], [Make.macro("X", 1), Make.macro("Y", 2)])
        let new = Make.snapshot([b, Make.record("new", size: 8, [Make.field("x", 0, 8)])], [Make.macro("Y", 3), Make.macro("Z", 2)])
        let first = ABIDiffer.diff(old: old, new: new)
        var old2 = old, new2 = new
        old2.records.reverse(); old2.constants.reverse(); new2.records.reverse(); new2.constants.reverse()
        #expect(ABIDiffer.diff(old: old2, new: new2) == first)
        #expect(first.map(\.severity) == first.map(\.severity).sorted())
    }
}
