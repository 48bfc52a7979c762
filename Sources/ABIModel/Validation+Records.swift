import Foundation
import Synchronization

/// The rules each record keeps on its own (checked in parallel chunks, or by the producer as it makes them).
extension SnapshotValidator {
    /// Each record's first broken rule, by index (nil where it keeps them all). Large snapshots are checked on
    /// every processor in contiguous chunks; the result does not depend on how they were scheduled.
    func recordFailures(_ records: [Record]) -> [Int: SnapshotError] {
        let chunkSize = 1024
        let chunks = (records.count + chunkSize - 1) / chunkSize
        let found = Locked<[Int: SnapshotError]>([:])
        let path = self.path
        let work: @Sendable (Int) -> Void = { chunk in
            var v = SnapshotValidator(path: path)
            var local: [Int: SnapshotError] = [:]
            records.withUnsafeBufferPointer { records in
                for ri in chunk * chunkSize ..< min(records.count, (chunk + 1) * chunkSize) {
                    do { try v.record(records[ri], index: ri) }
                    catch let e as SnapshotError { local[ri] = e }
                    catch { local[ri] = SnapshotError(path: path, message: "\(error)") }
                }
            }
            if !local.isEmpty { found.withLock { $0.merge(local) { a, _ in a } } }
        }
        if chunks > 1 { DispatchQueue.concurrentPerform(iterations: chunks, execute: work) } else if chunks == 1 { work(0) }
        return found.withLock { $0 }
    }

    mutating func record(_ r: Record, index: Int) throws {
        guard SnapshotText.isIdentifier(r.name) else { throw fail("record #\(index + 1) \(Self.q(r.name)): name is not a C identifier") }
        var at: String { "record \(r.name)" }
        try text(r.cName, "\(at): cName")
        guard SnapshotText.isRecordCName(r.cName) else {
            throw fail("\(at): cName \(Self.q(r.cName)) is not a C type name (IDENT, struct IDENT, union IDENT or __typeof__(((C *)0)->member[0]))")
        }
        try bounded(r.size, "\(at): size")
        guard r.alignment >= 1, r.alignment <= SnapshotLimits.maximumAlignment, r.alignment & (r.alignment - 1) == 0 else {
            throw fail("\(at): alignment \(r.alignment) is not a power of two from 1 to 2^16")
        }
        try header(r.header, "\(at): header")
        // Anonymous members: paths numbered from 1, one field index per path number, each named once, parents first.
        var paths: Set<[Int]> = []
        for a in r.anonymousMembers {
            var where_: String {
                let label = a.path.map(String.init).joined(separator: ".")
                return "\(at), anonymous member \(label.isEmpty ? "with an empty path" : label)"
            }
            guard !a.path.isEmpty else { throw fail("\(where_): path is empty") }
            guard !a.fieldIndexes.isEmpty else { throw fail("\(where_): fieldIndexes is empty") }
            guard a.path.count == a.fieldIndexes.count else {
                throw fail("\(where_): \(a.fieldIndexes.count) field indexes for a path of \(a.path.count)")
            }
            if let n = a.path.first(where: { $0 < 1 }) { throw fail("\(where_): path number \(n) is less than 1") }
            for i in a.fieldIndexes { try bounded(i, "\(where_): field index") }
            if a.path.count > 1, !paths.contains(Array(a.path.dropLast())) {
                throw fail("\(where_): its parent \(a.path.dropLast().map(String.init).joined(separator: ".")) is not an anonymous member before it")
            }
            guard paths.insert(a.path).inserted else { throw fail("\(where_): appears twice") }
            try bounded(a.offset, "\(where_): offset")
            try bounded(a.size, "\(where_): size")
            guard a.offset + a.size <= r.size else {
                throw fail("\(where_): bytes \(a.offset)..<\(a.offset + a.size) lie beyond the record's \(r.size) bytes")
            }
        }
        var names = Set<String>(minimumCapacity: r.fields.count)
        // Through the array's storage: each field is checked where it lies, not copied out first.
        try r.fields.withUnsafeBufferPointer { fields in
            for fi in fields.indices {
                guard SnapshotText.isMemberPath(fields[fi].name) else {
                    throw fail("\(at), field #\(fi + 1) \(Self.q(fields[fi].name)): name is not a C member name (identifiers joined by '.')")
                }
                guard names.insert(fields[fi].name).inserted else { throw fail("\(at), field \(fields[fi].name): appears twice") }
                try field(fields[fi], in: r, anonymous: paths)
            }
        }
    }

    func field(_ f: Field, in r: Record, anonymous: Set<[Int]>) throws {
        var at: String { "record \(r.name), field \(f.name)" }
        try bounded(f.offset, "\(at): offset")
        try bounded(f.size, "\(at): size")
        guard f.offset <= r.size else { throw fail("\(at): offset \(f.offset) lies beyond the record's \(r.size) bytes") }
        guard f.offset + f.size <= r.size else {
            throw fail("\(at): bytes \(f.offset)..<\(f.offset + f.size) lie beyond the record's \(r.size) bytes")
        }
        switch (f.bitOffset, f.bitWidth) {
        case (nil, nil): break
        case (nil, .some): throw fail("\(at): bitWidth without bitOffset")
        case (.some, nil): throw fail("\(at): bitOffset without bitWidth")
        case let (.some(bitOffset), .some(bitWidth)):
            guard bitWidth >= 1, bitWidth <= SnapshotLimits.maximumBitWidth else {
                throw fail("\(at): bitWidth \(bitWidth) is not from 1 to \(SnapshotLimits.maximumBitWidth)")
            }
            try bounded(bitOffset, "\(at): bitOffset")
            guard bitOffset + bitWidth <= r.size * 8 else {
                throw fail("\(at): bits \(bitOffset)..<\(bitOffset + bitWidth) lie beyond the record's \(r.size) bytes")
            }
        }
        if let p = f.anonymousPath {
            guard !p.isEmpty else { throw fail("\(at): anonymousPath is empty") }
            if let n = p.first(where: { $0 < 1 }) { throw fail("\(at): anonymousPath number \(n) is less than 1") }
            guard anonymous.contains(p) else {
                throw fail("\(at): anonymousPath \(p.map(String.init).joined(separator: ".")) names no anonymous member")
            }
        }
        let t = f.type
        try text(t.spelling, "\(at): type spelling")
        try text(t.canonical, "\(at): canonical type")
        if f.bitWidth != nil {
            // A bitfield's spelling is words (`unsigned int`, `enum e`, `__u8`), which a probe compiles, or names
            // an unnamed enum (`enum <unnamed>`, as BTF spells it), which a probe skips.
            guard !t.spelling.isEmpty,
                  t.spelling.split(separator: " ").allSatisfy({ SnapshotText.isIdentifier($0) || $0 == "<unnamed>" }) else {
                throw fail("\(at): bitfield type \(Self.q(t.spelling)) is not an integer or enum type name")
            }
        }
        try bounded(t.scalarSize, "\(at): scalarSize")
        if let record = t.record {
            guard SnapshotText.isIdentifier(record) else { throw fail("\(at): type record \(Self.q(record)) is not a C identifier") }
        }
        if let dims = t.arrayDimensions {
            guard !dims.isEmpty else { throw fail("\(at): arrayDimensions is empty") }
            var total = t.scalarSize
            for d in dims {
                try bounded(d, "\(at): array dimension")
                let (product, overflow) = total.multipliedReportingOverflow(by: d)
                guard !overflow, product <= SnapshotLimits.maximumSize else {
                    throw fail("\(at): array dimensions \(dims.map(String.init).joined(separator: "×")) of \(t.scalarSize)-byte elements exceed 2^32 bytes")
                }
                total = product
            }
        }
    }
}
