import ABIModel
import Foundation
import Synchronization

/// What to take from a BTF blob.
public struct BTFOptions: Sendable {
    /// Record name globs (`io_uring_*`); empty: every named struct and union, and every typedef'd anonymous one.
    public var records: [String]
    /// Enum tag globs whose enumerators become constants; nil together with ``constantPrefixes``: every enum.
    public var enums: [String]?
    /// Enumerator name prefixes to keep (`IORING_`), in addition to ``enums``; nil together with ``enums``: every enum.
    public var constantPrefixes: [String]?
    /// Target triple the blob describes; nil: from the ELF object, or the host for a raw blob of the host's byte order.
    public var target: String?
    /// What the snapshot names as the header of every record and constant; nil: the file's last path component.
    public var header: String?

    /// Where phase timings go (`ABIGEN_TRACE`); nil: nowhere.
    public var diagnostics: Diagnostics?

    /// Threads that scan types and lay records out; nil: one per processor for a large blob, one for a small one.
    /// The snapshot, and the error a bad blob gives, do not depend on it.
    public var workers: Int?

    /// Makes options; the defaults take everything.
    public init(records: [String] = [], enums: [String]? = nil, constantPrefixes: [String]? = nil, target: String? = nil, header: String? = nil,
                workers: Int? = nil) {
        self.records = records
        self.enums = enums
        self.constantPrefixes = constantPrefixes
        self.target = target
        self.header = header
        self.workers = workers
    }
}

/// How a record's alignment was obtained; BTF records sizes and offsets but never alignment.
public struct BTFAlignmentNote: Sendable, Equatable {
    /// The record's ``Record/name``.
    public var record: String
    /// Always true for BTF: the alignment is inferred from member types on the target, not read.
    public var inferred: Bool
    /// True when member offsets or the size contradict natural alignment, so the record is taken as packed.
    public var packedDetected: Bool
    /// True when a member offset or tail padding shows an alignment larger than the members' natural ones (`aligned(N)`).
    public var raisedByOffsets: Bool
}

/// A snapshot read from BTF with what the model cannot yet say about it.
public struct BTFSnapshot: Sendable {
    /// The ABI model, as the libclang frontend would give it (alignment inferred).
    public var snapshot: ABISnapshot
    /// One note per record, sorted by record name: every BTF alignment is inferred.
    public var alignment: [BTFAlignmentNote]
    /// The target the layouts were inferred for.
    public var target: BTFTarget
}

/// Turns BTF into the project's ABI model.
public enum BTFFrontend {
    /// Reads `file`'s records matching `records` (globs; empty: all) and every enum, for `target` (nil: inferred).
    public static func snapshot(of file: BTFFile, records: [String], target: String?) throws -> ABISnapshot {
        try read(file, options: BTFOptions(records: records, target: target)).snapshot
    }

    /// Reads `file` with `options`, returning the snapshot and the per-record alignment notes.
    public static func read(_ file: BTFFile, options: BTFOptions) throws -> BTFSnapshot {
        let target = try BTFTarget.resolve(options.target, for: file)
        let last = (file.path as NSString).lastPathComponent
        let header = options.header ?? (last.isEmpty || last == "." || last == ".." || last == "/" ? "btf" : last)
        var builder = Builder(file: file, target: target, header: header)
        try builder.collect(options: options)
        options.diagnostics?.phase("btf: \(builder.records.count) records added")
        // Put in name order here by moving indexes, not records: normalize() then finds them sorted. Records
        // and constants are sorted at the same time.
        let recordNames = builder.records.map(\.name), constantNames = builder.constants.map(\.name)
        let orders = Locked<[[Int]]>([[], []])
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let order = nameOrder(i == 0 ? recordNames : constantNames)
            orders.withLock { $0[i] = order }
        }
        let (recordOrder, constantOrder) = orders.withLock { ($0[0], $0[1]) }
        // Moved into order in place (swaps move values; copying would retain and release every field).
        var records = builder.records
        builder.records = []
        records.permute(by: recordOrder)
        // One note was added with each record, so the same order sorts them.
        var notes = builder.notes
        builder.notes = []
        if notes.count == records.count { notes.permute(by: recordOrder) } else { notes.sort { $0.record < $1.record } }
        var broken = builder.broken
        broken.permute(by: recordOrder)
        // The first definition of an enumerator name wins: the stable sort put it first among its namesakes.
        var constants = builder.constants
        builder.constants = []
        constants.permute(by: constantOrder)
        // A later definition with another value (several enums of the kernel's compilation units may use one
        // name) is dropped, and said so.
        var repeated: [Unsupported] = []
        constants.keepFirstOfEachRun { kept, other in
            guard kept.name == other.name else { return false }
            if !kept.value.sameValue(as: other.value) || kept.size != other.size {
                let from = other.enumName.map { "enum \($0)" } ?? "an unnamed enum"
                let first = kept.enumName.map { "enum \($0)" } ?? "an unnamed enum"
                repeated.append(Unsupported(name: other.name, reason: "\(from) defines it again as \(other.value); the first definition, \(first)'s \(kept.value), is kept"))
            }
            return true
        }
        options.diagnostics?.phase("btf: sorted")
        var snapshot = ABISnapshot(target: target.triple, headers: [header], includeDirectories: [],
                                   records: records, constants: constants, skippedMacros: [],
                                   unsupported: builder.unsupported + repeated)
        snapshot.source = .btf(BTFSource(path: file.path))
        snapshot.unsupported.append(Unsupported(name: "macros", reason: "BTF describes types only: \(file.path) holds no #define constants, so none are listed"))
        snapshot.normalize()
        // A BTF blob that contradicts itself (a member beyond its record, bits past its end…) yields a
        // model no later stage may trust: refuse it with the rule it breaks, as a bad snapshot is refused.
        do {
            // Each record was checked as it was made; the messages of broken ones are made again with their place.
            var problems: [Int: SnapshotError] = [:]
            if broken.count == snapshot.records.count {
                for i in broken.indices where broken[i] {
                    problems[i] = ABISnapshot.recordProblem(snapshot.records[i], index: i, path: file.path)
                }
                try snapshot.validate(path: file.path, recordProblems: problems)
            } else {
                try snapshot.validate(path: file.path)
            }
        } catch let e as SnapshotError {
            throw BTFError(file: file.path, message: "describes an impossible layout: \(e.message)")
        }
        options.diagnostics?.phase("btf: validated")
        return BTFSnapshot(snapshot: snapshot, alignment: notes, target: target)
    }
}

/// Walks BTF types into model values.
struct Builder {
    let file: BTFFile
    let types: [BTFType]
    let target: BTFTarget
    let header: String
    var records: [Record] = []
    var constants: [Constant] = []
    var unsupported: [Unsupported] = []
    var notes: [BTFAlignmentNote] = []
    /// For each of ``records``: whether it broke one of the snapshot's rules for a record on its own.
    var broken: [Bool] = []
    /// One past the index into ``memos`` of each type's memo, or 0 (type ids fit in 20 bits): one small table for
    /// all types, the memos themselves only for the types the selected records reach.
    var memoSlot: [Int32]
    var memos: [TypeMemo] = []
    var described: [FieldType] = []
    /// Every INT type's spelling (``integerName(_:)``), by type id: a few hundred, each spelled once.
    var intNames: [UInt32: String] = [:]
    /// Flattened entries produced so far (fields + anonymous members), bounded against exponential nesting.
    var produced = 0
    /// Record names in use, so synthesized element records get fresh ones.
    var reservedNames: Set<String> = []

    static let maxDepth = 100
    static let maxEntries = 4_000_000
    /// Fewer selected records than this per processor are laid out on one thread.
    static let recordsPerWorker = 512
    /// Records per chunk handed to a free thread.
    static let recordsPerChunk = 128
    /// Fewer types than this per processor are scanned on one thread.
    static let typesPerWorker = 16_384
    static let maxSpelling = 1 << 16

    init(file: BTFFile, target: BTFTarget, header: String) {
        self.file = file
        self.types = file.types
        self.target = target
        self.header = header
        memoSlot = Array(repeating: 0, count: file.types.count)
        for (id, ty) in file.types.enumerated() where ty.kind == .int { intNames[UInt32(id)] = integerName(ty) }
    }

    /// What is known of one type once worked out.
    struct TypeMemo {
        var layout: InferredLayout?
        var spelling: String?
        var canonical: String?
        /// Index into ``described`` of the type's description, or -1.
        var described: Int32 = -1
    }

    /// The index into ``memos`` of type `id`'s memo, nil when there is none yet.
    func memoIndex(_ id: UInt32) -> Int? {
        let slot = Int(memoSlot[Int(id)])
        return slot == 0 ? nil : slot - 1
    }

    /// The index into ``memos`` of type `id`'s memo, made empty when there is none yet.
    mutating func memoIndexCreating(_ id: UInt32) -> Int {
        if let i = memoIndex(id) { return i }
        memos.append(TypeMemo())
        memoSlot[Int(id)] = Int32(truncatingIfNeeded: memos.count)
        return memos.count - 1
    }

    func fail(_ message: String) -> BTFError { BTFError(file: file.path, message: message) }

    func t(_ id: UInt32) -> BTFType { types[Int(id)] }   // ids were range-checked when the file was loaded
    func name(_ id: UInt32) -> String { file.string(at: types[Int(id)].nameOffset) }

    /// The error for a chain that went deeper than ``maxDepth`` at `id`: a loop when following references revisits a type.
    func tooDeep(_ id: UInt32) -> BTFError {
        var seen: Set<UInt32> = []
        var order: [UInt32] = []
        var cur = id
        while seen.insert(cur).inserted {
            order.append(cur)
            let ty = t(cur)
            switch ty.kind {
            case .pointer, .typedef, .volatile, .const, .restrict, .typeTag, .functionProto: cur = ty.sizeOrType
            case .array: cur = ty.arrayElement
            case .struct, .union:
                guard let m = file.members(of: cur).first(where: { [.struct, .union, .typedef, .array, .const, .volatile].contains(t($0.type).kind) }) else {
                    return fail("type id \(id): types nest deeper than \(Builder.maxDepth) levels")
                }
                cur = m.type
            default:
                return fail("type id \(id): types nest deeper than \(Builder.maxDepth) levels")
            }
        }
        let start = order.firstIndex(of: cur) ?? 0
        let loop = order[start...].prefix(8).map { "\($0)" }.joined(separator: " -> ")
        return fail("type id \(id): loop through type ids \(loop) -> \(cur)")
    }

    /// Strips typedefs, qualifiers and type tags.
    func resolve(_ id: UInt32) throws -> UInt32 {
        var cur = id
        for _ in 0..<Builder.maxDepth {
            switch t(cur).kind {
            case .typedef, .volatile, .const, .restrict, .typeTag: cur = t(cur).sizeOrType
            default: return cur
            }
        }
        throw tooDeep(id)
    }

    /// `sizeof` type `id` (0 for void, functions and incomplete types).
    func size(_ id: UInt32, depth: Int = 0) throws -> Int {
        guard depth < Builder.maxDepth else { throw tooDeep(id) }
        let ty = t(id)
        switch ty.kind {
        case .int, .enum, .enum64, .struct, .union, .float: return Int(ty.sizeOrType)
        case .pointer: return target.pointerSize
        case .typedef, .volatile, .const, .restrict, .typeTag: return try size(ty.sizeOrType, depth: depth + 1)
        case .array:
            let element = try size(ty.arrayElement, depth: depth + 1)
            let (total, o) = element.multipliedReportingOverflow(by: Int(ty.extra))
            guard !o, total <= 1 << 32 else { throw fail("type id \(id): array of \(ty.extra) elements of \(element) bytes is larger than 4 GiB") }
            return total
        default: return 0
        }
    }

    /// Checks that a name the model keeps is a C identifier (the kernel's own BTF checker demands as much).
    func identifier(_ name: String, _ what: @autoclosure () -> String) throws -> String {
        var first = true
        for c in name.utf8 {
            let letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c == 0x5f || c == 0x24
            let digit = c >= 0x30 && c <= 0x39
            guard letter || (digit && !first) else {
                throw fail("\(what()) has a name that is not a C identifier (\(name.utf8.count) bytes)")
            }
            first = false
        }
        return name
    }

}
