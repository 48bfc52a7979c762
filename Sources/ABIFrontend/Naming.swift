import ABIModel
import Foundation

/// The element type of an array member of anonymous struct or union type, as a record of its own.
struct ElementRecord: Sendable {
    /// The C name of the record that holds the array (for a nested one, the outermost record's).
    var outerCName: String
    /// The array member's name (dotted for a member of a named member of unnamed type).
    var field: String
    /// The element's layout; its name is assigned when every record's name is known.
    var record: Record
}

extension Reader {
    /// The records with their final names: a tag (`struct bar`) keeps its name; an untagged typedef'd
    /// record of the same name (`typedef struct {…} bar`) becomes `bar_t` (then `bar_t_`, … while
    /// taken); a second tag of one name from another header is dropped and listed. Element records
    /// are named `<outer name>_<field>` (`.` → `_`, then `_` appended while taken) and linked from
    /// their array member's ``FieldType/record``.
    mutating func finalRecords() -> [Record] {
        var out: [Record] = []
        var taken: Set<String> = []
        var finalName: [String: String] = [:]   // by cName
        for r in records where r.cName != r.name {
            guard taken.insert(r.name).inserted else {
                let first = out.first { $0.name == r.name }
                warn("the name \(r.name) is taken by \(first?.cName ?? r.name) (\(first?.header ?? "")); the first definition is kept",
                     symbol: "\(r.cName) (\(r.header))", location: r.header)
                continue
            }
            finalName[r.cName] = r.name
            out.append(r)
        }
        for var r in records where r.cName == r.name {
            if taken.contains(r.name) {
                var n = r.name + "_t"
                while taken.contains(n) { n += "_" }
                r.name = n
            }
            taken.insert(r.name)
            finalName[r.cName] = r.name
            out.append(r)
        }
        var index: [String: Int] = [:]
        for (i, r) in out.enumerated() { index[r.cName] = i }
        for var e in elements {
            guard let outerName = finalName[e.outerCName], let o = index[e.outerCName],
                  let f = out[o].fields.firstIndex(where: { $0.name == e.field }) else { continue }
            var n = outerName + "_" + e.field.replacingOccurrences(of: ".", with: "_")
            while taken.contains(n) { n += "_" }
            taken.insert(n)
            e.record.name = n
            out[o].fields[f].type.record = n
            out.append(e.record)
        }
        return out
    }
}
