import ABIModel
import Foundation
import Synchronization

extension Builder {
    /// Collects the selected records and enums.
    mutating func collect(options: BTFOptions) throws {
        let patterns = options.records.map { Array($0.utf8) }
        // Scanning the types (record names, enums' constants) splits into stretches of type ids, scanned in
        // parallel and joined in id order: the first error in id order is the one reported.
        let count = types.count
        let workers = max(1, min(options.workers ?? min(ProcessInfo.processInfo.activeProcessorCount, count / Builder.typesPerWorker), count - 1))
        let stretch = (count + workers - 1) / workers
        let scans: [TypeScan]
        if workers == 1 {
            scans = [scan(1..<max(1, count), options: options, patterns: patterns)]
        } else {
            let found = Locked<[TypeScan]>(Array(repeating: TypeScan(), count: workers))
            let base = self
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let range = max(1, min(count, w * stretch)) ..< max(1, min(count, (w + 1) * stretch))
                let result = base.scan(range, options: options, patterns: patterns)
                found.withLock { $0[w] = result }
            }
            scans = found.withLock { $0 }
        }
        options.diagnostics?.phase("btf: \(count) types scanned")
        var pending: [PendingRecord] = []
        for scan in scans {
            pending += scan.pending
            // Every enumerator, repeated names included, in id order: the frontend keeps the first of each name.
            constants += scan.constants
            unsupported += scan.unsupported
            if let error = scan.error { throw error }
        }
        var seen: [String: UInt32] = [:]
        reservedNames = Set(pending.map(\.name))
        var chosen: [PendingRecord] = []
        chosen.reserveCapacity(pending.count)
        for p in pending {
            if let first = seen[p.name] {
                let a = t(first), b = t(p.id)
                if first != p.id, a.sizeOrType != b.sizeOrType || a.memberCount != b.memberCount || a.kind != b.kind {
                    unsupported.append(Unsupported(name: p.cName, reason: "BTF type id \(p.id) describes it again with a different layout; type id \(first) is kept"))
                }
                continue
            }
            seen[p.name] = p.id
            chosen.append(p)
        }
        // Laying out and flattening are independent per record: done in parallel chunks, then added in order,
        // so the snapshot (element record names included) is the one a single pass would build.
        options.diagnostics?.phase("btf: \(chosen.count) records chosen")
        let made = makeRecords(chosen, workers: options.workers)
        options.diagnostics?.phase("btf: records laid out")
        for (i, result) in made.enumerated() {
            let m = try result.get()
            let (total, overflow) = produced.addingReportingOverflow(m.produced)
            guard !overflow, total <= Builder.maxEntries else {
                throw fail("\(chosen[i].cName) flattens to more than \(Builder.maxEntries) members (anonymous members nest too widely)")
            }
            produced = total
            try add(m)
        }
    }

    /// The records named in type ids `range` (in id order) and the constants of its enums; the scan stops at the first error.
    func scan(_ range: Range<Int>, options: BTFOptions, patterns: [[UInt8]]) -> TypeScan {
        var b = self
        b.constants = []
        b.unsupported = []
        var pending: [PendingRecord] = []
        /// Matches the name at a string-table offset without making a String of every name.
        func wanted(_ offset: UInt32) -> Bool {
            guard offset != 0 else { return false }
            return patterns.isEmpty || patterns.contains { file.nameMatches(offset, glob: $0) }
        }
        var failure: BTFError?
        do {
            for index in range {
                let id = UInt32(index)
                let ty = types[index]
                switch ty.kind {
                case .struct, .union:
                    guard wanted(ty.nameOffset) else { continue }
                    let n = try identifier(file.string(at: ty.nameOffset), "\(ty.kind.label) type id \(id)")
                    guard !n.isEmpty else { continue }
                    pending.append(PendingRecord(id: id, name: n, cName: "\(ty.kind == .struct ? "struct" : "union") \(n)"))
                case .typedef:
                    guard wanted(ty.nameOffset) else { continue }
                    let n = try identifier(file.string(at: ty.nameOffset), "TYPEDEF type id \(id)")
                    guard !n.isEmpty else { continue }
                    let target = try resolve(id)
                    let r = t(target)
                    guard r.kind == .struct || r.kind == .union, r.nameOffset == 0 || file.string(at: r.nameOffset).isEmpty else { continue }
                    pending.append(PendingRecord(id: target, name: n, cName: n))
                case .enum, .enum64:
                    try b.addEnum(id, options: options)
                default:
                    continue
                }
            }
        } catch let e as BTFError {
            failure = e
        } catch {
            failure = fail("\(error)")
        }
        return TypeScan(pending: pending, constants: b.constants, unsupported: b.unsupported, error: failure)
    }

    /// Each pending record laid out and flattened, in order; large selections in parallel chunks, each with
    /// its own copy of the builder's memos (the results do not depend on the chunking).
    func makeRecords(_ items: [PendingRecord], workers requested: Int?) -> [Result<MadeRecord, BTFError>] {
        let workers = min(requested ?? min(ProcessInfo.processInfo.activeProcessorCount, items.count / Builder.recordsPerWorker), items.count)
        guard workers > 1 else {
            var b = self
            return items.map { p in b.makeMeasured(p) }
        }
        // Small chunks handed out in order to whichever thread is free (records differ widely in work), each
        // thread keeping its builder (and its memos) from chunk to chunk. A thread takes its chunks in increasing
        // order, so its running count of entries never exceeds the count of the records before, in order.
        let chunks = min(items.count, max(workers, items.count / Builder.recordsPerChunk))
        let chunk = (items.count + chunks - 1) / chunks
        let results = Locked<[[Result<MadeRecord, BTFError>]]>(Array(repeating: [], count: chunks))
        let next = Atomic<Int>(0)
        let base = self
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var b = base
            while true {
                let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard c < chunks else { break }
                let part = items[min(items.count, c * chunk) ..< min(items.count, (c + 1) * chunk)].map { p in b.makeMeasured(p) }
                results.withLock { $0[c] = part }
            }
        }
        return results.withLock { $0.flatMap { $0 } }
    }

    /// ``makeRecord(_:name:cName:canonicalContext:)`` for a pending record, with the entries it produced; a failure is kept, not thrown.
    private mutating func makeMeasured(_ p: PendingRecord) -> Result<MadeRecord, BTFError> {
        // The count runs on over a chunk's records (bounding each chunk's memory as a single pass bounds the
        // whole); each record reports its own share, which the caller adds up in order.
        let before = produced
        do {
            var m = try makeRecord(p.id, name: p.name, cName: p.cName, canonicalContext: nil)
            m.produced = produced - before
            return .success(m)
        } catch let e as BTFError {
            return .failure(e)
        } catch {
            return .failure(fail("\(error)"))
        }
    }

    /// Adds a record (and the records of its arrays of anonymous structs and unions).
    mutating func addRecord(_ id: UInt32, name: String, cName: String) throws {
        try add(try makeRecord(id, name: name, cName: cName, canonicalContext: nil))
    }

    /// Adds the record of an array of anonymous records' element type and points the array field of the record at
    /// `outer` (an index into ``records``) at it.
    mutating func addSynthesized(_ id: UInt32, name: String, cName: String, outer: Int, fieldName: String) throws {
        if let f = records[outer].fields.firstIndex(where: { $0.name == fieldName }) {
            records[outer].fields[f].type.record = name
            broken[outer] = ABISnapshot.recordProblem(records[outer], index: 0, path: file.path) != nil
        }
        try add(try makeRecord(id, name: name, cName: cName, canonicalContext: records[outer].name))
    }

    /// Lays out one record and flattens its members, without adding it.
    mutating func makeRecord(_ id: UInt32, name: String, cName: String, canonicalContext: String?) throws -> MadeRecord {
        let ty = t(id)
        let inferred = try layout(id, depth: 0)
        var walker = Flattener(recordName: name, recordCName: cName, canonicalContext: canonicalContext)
        try walker.walk(id, baseBits: 0, prefix: "", anonPath: [], indexPath: [], builder: &self, depth: 0)
        let record = Record(name: name, cName: cName, kind: ty.kind == .union ? .union : .struct, size: Int(ty.sizeOrType),
                            alignment: inferred.alignment, packed: inferred.packed, header: header, fields: walker.fields,
                            anonymousMembers: walker.anonymous, alignmentInferred: true)
        // Checked by the snapshot's own rules now, while the record is in the cache; the frontend reports the first
        // broken one in the snapshot's order (see BTFFrontend.read).
        return MadeRecord(record: record,
                          note: BTFAlignmentNote(record: name, inferred: true, packedDetected: inferred.packed, raisedByOffsets: inferred.raised),
                          unsupported: walker.unsupported, elements: walker.elementRecords,
                          broken: ABISnapshot.recordProblem(record, index: 0, path: file.path) != nil)
    }

    /// Adds a made record with its alignment note, then the element records of its arrays of anonymous
    /// records (named uniquely, in order).
    private mutating func add(_ made: MadeRecord) throws {
        records.append(made.record)
        broken.append(made.broken)
        let index = records.count - 1
        notes.append(made.note)
        unsupported += made.unsupported
        for element in made.elements {
            var elementName = element.name
            while reservedNames.contains(elementName) { elementName += "_" }
            reservedNames.insert(elementName)
            try addSynthesized(element.typeID, name: elementName, cName: element.cName, outer: index, fieldName: element.field)
        }
    }

    /// Adds an enum's enumerators as constants (all of them: the frontend keeps the first definition of a name).
    mutating func addEnum(_ id: UInt32, options: BTFOptions) throws {
        let ty = t(id)
        guard ty.memberCount > 0 else { return }
        let tag = try identifier(name(id), "\(ty.kind.label) type id \(id)")
        let everything = options.enums == nil && options.constantPrefixes == nil
        let tagWanted = !tag.isEmpty && (options.enums ?? []).contains { btfGlobMatch($0, tag) }
        guard everything || tagWanted || !(options.constantPrefixes ?? []).isEmpty else { return }
        let size = Int(ty.sizeOrType)
        if ty.kind == .enum, size > 4 {
            // An ENUM (32-bit values) of a 64-bit enum: the producer (e.g. clang before 15) truncated the values.
            unsupported.append(Unsupported(name: tag.isEmpty ? "enum <unnamed>" : "enum \(tag)",
                                           reason: "\(size)-byte enum encoded as ENUM with 32-bit values: the producer truncated them, so its enumerators are not listed"))
            return
        }
        guard [1, 2, 4, 8].contains(size) else {
            unsupported.append(Unsupported(name: tag.isEmpty ? "enum <unnamed>" : "enum \(tag)", reason: "enum of \(size) bytes"))
            return
        }
        let signed = ty.kindFlag
        let underlying = IntegerType(spelling: integerSpelling(size: size, signed: signed), size: size, signed: signed)
        let prefixBytes = everything || tagWanted ? [] : (options.constantPrefixes ?? []).map { Array($0.utf8) }
        for e in file.members(of: id) {
            // Most of a kernel's enumerators are not wanted: the prefix is checked on the bytes before a String is made.
            if !prefixBytes.isEmpty, !prefixBytes.contains(where: { file.nameHasPrefix(e.nameOffset, $0) }) { continue }
            let n = try identifier(file.string(at: e.nameOffset), "an enumerator of type id \(id)")
            guard !n.isEmpty else { continue }
            guard everything || tagWanted || (options.constantPrefixes ?? []).contains(where: { n.hasPrefix($0) }) else { continue }
            // The value as the enum's type holds it.
            let value: IntegerValue
            if ty.kind == .enum {
                value = signed ? .signed(Int64(Int32(truncatingIfNeeded: e.value))) : .unsigned(e.value & 0xffff_ffff)
            } else {
                value = signed ? .signed(Int64(bitPattern: e.value)) : .unsigned(e.value)
            }
            // In C an enumerator has type int when its value fits, else the enum's underlying type.
            let fitsInt: Bool
            switch value {
            case .signed(let v): fitsInt = v >= Int64(Int32.min) && v <= Int64(Int32.max)
            case .unsigned(let v): fitsInt = v <= UInt64(Int32.max)
            }
            let constant: Constant
            if fitsInt {
                let v: IntegerValue
                switch value {
                case .signed(let x): v = .signed(x)
                case .unsigned(let x): v = .signed(Int64(x))
                }
                constant = Constant(name: n, value: v, type: "int", size: 4, signed: true, origin: .enumerator,
                                    enumName: tag.isEmpty ? nil : tag, enumType: underlying, header: header)
            } else {
                constant = Constant(name: n, value: value, type: underlying.spelling, size: size, signed: signed, origin: .enumerator,
                                    enumName: tag.isEmpty ? nil : tag, enumType: underlying, header: header)
            }
            constants.append(constant)
        }
    }

    /// The canonical C spelling of an integer of `size` bytes on the target.
    func integerSpelling(size: Int, signed: Bool) -> String {
        let base: String
        switch size {
        case 1: return signed ? "signed char" : "unsigned char"
        case 2: base = "short"
        case 4: base = "int"
        case 8: base = target.pointerSize == 8 ? "long" : "long long"
        case 16: return signed ? "__int128" : "unsigned __int128"
        default: base = "int"
        }
        return signed ? base : "unsigned " + base
    }
}

/// What a stretch of type ids contributes, in id order.
struct TypeScan: Sendable {
    var pending: [PendingRecord] = []
    var constants: [Constant] = []
    var unsupported: [Unsupported] = []
    /// The first error in the stretch; nothing after it was scanned.
    var error: BTFError?
}

/// A struct or union chosen for the snapshot, before it is laid out.
struct PendingRecord: Sendable {
    var id: UInt32
    var name: String
    var cName: String
}

/// One record laid out and flattened, with what goes beside it in the snapshot.
struct MadeRecord: Sendable {
    var record: Record
    var note: BTFAlignmentNote
    var unsupported: [Unsupported]
    var elements: [ElementRecord]
    /// Flattened entries it produced (counted against ``Builder/maxEntries`` in order).
    var produced = 0
    /// Whether it breaks one of the snapshot's rules for a record on its own (checked as it was made).
    var broken = false
}
