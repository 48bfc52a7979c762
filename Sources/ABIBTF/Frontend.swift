import ABIModel
import Foundation

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

    /// Makes options; the defaults take everything.
    public init(records: [String] = [], enums: [String]? = nil, constantPrefixes: [String]? = nil, target: String? = nil, header: String? = nil) {
        self.records = records
        self.enums = enums
        self.constantPrefixes = constantPrefixes
        self.target = target
        self.header = header
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
        let target: BTFTarget
        if let t = options.target {
            guard let known = BTFTarget(triple: t) else {
                throw BTFError(file: file.path, message: "unknown target '\(t)': cannot infer alignment for its architecture")
            }
            target = known
        } else if let elf = file.elf {
            target = BTFTarget.from(elf: elf)
        } else {
            target = BTFTarget.guess(for: file)
        }
        let last = (file.path as NSString).lastPathComponent
        let header = options.header ?? (last.isEmpty || last == "." || last == ".." || last == "/" ? "btf" : last)
        var builder = Builder(file: file, target: target, header: header)
        try builder.collect(options: options)
        // Put in name order here by moving indexes, not records: normalize() then finds them sorted.
        let recordOrder = nameOrder(builder.records.map(\.name))
        let records = recordOrder.map { builder.records[$0] }
        let constants = nameOrder(builder.constants.map(\.name)).map { builder.constants[$0] }
        // One note was added with each record, so the same order sorts them.
        let notes = builder.notes.count == builder.records.count ? recordOrder.map { builder.notes[$0] }
                                                                  : builder.notes.sorted { $0.record < $1.record }
        builder.records = []
        builder.constants = []
        var snapshot = ABISnapshot(target: target.triple, headers: [header], includeDirectories: [],
                                   records: records, constants: constants, skippedMacros: [],
                                   unsupported: builder.unsupported)
        snapshot.unsupported.append(Unsupported(name: "macros", reason: "BTF describes types only: \(file.path) holds no #define constants, so none are listed"))
        snapshot.normalize()
        // A BTF blob that contradicts itself (a member beyond its record, bits past its end…) yields a
        // model no later stage may trust: refuse it with the rule it breaks, as a bad snapshot is refused.
        do {
            try snapshot.validate(path: file.path)
        } catch let e as SnapshotError {
            throw BTFError(file: file.path, message: "describes an impossible layout: \(e.message)")
        }
        return BTFSnapshot(snapshot: snapshot, alignment: notes, target: target)
    }
}

/// The indexes of `names` in the order a stable sort by name puts them; the first 16 UTF-8 bytes of each
/// name, compared as two big-endian words, decide most comparisons without comparing Strings.
func nameOrder(_ names: [String]) -> [Int] {
    var keys: [(UInt64, UInt64)] = []
    keys.reserveCapacity(names.count)
    for n in names {
        var a: UInt64 = 0, b: UInt64 = 0, i = 0
        for byte in n.utf8.prefix(16) {
            if i < 8 { a |= UInt64(byte) << (56 - 8 * i) } else { b |= UInt64(byte) << (56 - 8 * (i - 8)) }
            i += 1
        }
        keys.append((a, b))
    }
    return names.indices.sorted { x, y in
        let (kx, ky) = (keys[x], keys[y])
        if kx != ky { return kx < ky }
        if names[x] != names[y] { return names[x] < names[y] }
        return x < y
    }
}

/// Shell-style glob match supporting `*` and `?`.
func btfGlobMatch(_ pattern: String, _ text: String) -> Bool {
    let p = Array(pattern.utf8), t = Array(text.utf8)
    var pi = 0, ti = 0, star = -1, mark = 0
    while ti < t.count {
        if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == t[ti]) { pi += 1; ti += 1 }
        else if pi < p.count && p[pi] == UInt8(ascii: "*") { star = pi; mark = ti; pi += 1 }
        else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
        else { return false }
    }
    while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
    return pi == p.count
}

/// Inferred layout facts of one struct or union type.
struct InferredLayout {
    var alignment: Int
    var packed: Bool
    var raised: Bool
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
    var layoutMemo: [InferredLayout?]
    var spellingMemo: [String?]
    var canonicalMemo: [String?]
    /// Index into ``described`` of a type's memoized description, or -1 (type ids fit in 20 bits).
    var describeMemo: [Int32]
    var described: [FieldType] = []
    /// Flattened entries produced so far (fields + anonymous members), bounded against exponential nesting.
    var produced = 0
    /// Enumerator names kept so far.
    var seenEnumerators: Set<String> = []
    /// Record names in use, so synthesized element records get fresh ones.
    var reservedNames: Set<String> = []

    static let maxDepth = 100
    static let maxEntries = 4_000_000
    static let maxSpelling = 1 << 16

    init(file: BTFFile, target: BTFTarget, header: String) {
        self.file = file
        self.types = file.types
        self.target = target
        self.header = header
        layoutMemo = Array(repeating: nil, count: file.types.count)
        spellingMemo = Array(repeating: nil, count: file.types.count)
        canonicalMemo = Array(repeating: nil, count: file.types.count)
        describeMemo = Array(repeating: -1, count: file.types.count)
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

    /// The natural alignment of type `id` inside a record on the target.
    mutating func alignment(_ id: UInt32, depth: Int) throws -> Int {
        guard depth < Builder.maxDepth else { throw tooDeep(id) }
        let ty = t(id)
        switch ty.kind {
        case .int, .enum, .enum64, .float: return target.scalarAlignment(Int(ty.sizeOrType))
        case .pointer: return target.pointerSize
        case .typedef, .volatile, .const, .restrict, .typeTag: return try alignment(ty.sizeOrType, depth: depth + 1)
        case .array: return try alignment(ty.arrayElement, depth: depth + 1)
        case .struct, .union: return try layout(id, depth: depth + 1).alignment
        default: return 1
        }
    }

    /// Bit offset and width (nil: not a bitfield) of member `m` of a record whose kind flag is `kflag`.
    func bits(_ m: BTFMember, kflag: Bool) throws -> (offset: Int, width: Int?) {
        var result: (offset: Int, width: Int?) = (Int(m.value), nil)
        if kflag {
            let w = Int(m.value >> 24)
            result = (Int(m.value & 0xff_ffff), w == 0 ? nil : w)
        } else {
            // Old encoding: the member's INT type carries the width and an extra offset.
            let r = t(try resolve(m.type))
            if r.kind == .int, r.intBits > 0, Int(r.intBits) != Int(r.sizeOrType) * 8 || r.intOffset != 0 {
                result = (Int(m.value) + Int(r.intOffset), Int(r.intBits))
            }
        }
        if let w = result.width, w > 128 {
            throw fail("member '\(file.string(at: m.nameOffset))' of type id \(m.type) is a bitfield of \(w) bits (at most 128)")
        }
        return result
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

    /// Infers a struct or union's alignment and packing from its members' types and offsets.
    mutating func layout(_ id: UInt32, depth: Int) throws -> InferredLayout {
        if let known = layoutMemo[Int(id)] { return known }
        guard depth < Builder.maxDepth else { throw tooDeep(id) }
        let ty = t(id)
        let recordSize = Int(ty.sizeOrType)
        var maxAlign = 1
        var packed = false
        var raised = false
        var endBits = 0
        for m in file.members(of: id) {
            let (offset, width) = try bits(m, kflag: ty.kindFlag)
            let a = try alignment(m.type, depth: depth + 1)
            if let width {
                // Unless the record is packed, a bitfield lies within one storage unit of its type: sizeof(T)
                // bytes starting at a multiple of its alignment (i386: an 8-byte unit at any multiple of 4).
                let unitStart = offset / (a * 8) * (a * 8)
                let storage = try size(m.type, depth: depth + 1) * 8
                if offset + width > unitStart + max(storage, a * 8) { packed = true }
                maxAlign = max(maxAlign, a)
                endBits = max(endBits, offset + width)
                continue
            }
            let byteOffset = offset / 8
            if offset % 8 != 0 || byteOffset % a != 0 { packed = true }
            var memberAlign = a
            if ty.kind == .struct, !packed {
                let expected = (endBits + 7) / 8
                let natural = (expected + a - 1) / a * a
                if byteOffset > natural {
                    // A hole larger than alignment needs: the member (or the hole's zero-size member) was declared
                    // with a larger alignment. Several powers of two may explain the offset: like pahole, prefer a
                    // cache line (64) when it does, else the nearest one that does.
                    var smallest = a * 2
                    while smallest <= 4096, (expected + smallest - 1) / smallest * smallest != byteOffset { smallest *= 2 }
                    if smallest <= 4096 {
                        let lowBit = byteOffset & -byteOffset
                        memberAlign = min(max(64, smallest), lowBit)
                        raised = true
                    }
                }
            }
            maxAlign = max(maxAlign, memberAlign)
            let s = try size(m.type, depth: depth + 1)
            endBits = max(endBits, offset + s * 8)
        }
        if recordSize % maxAlign != 0 { packed = true }
        var result: InferredLayout
        if packed {
            result = InferredLayout(alignment: 1, packed: true, raised: false)
        } else {
            // Tail padding beyond what the members need: an explicit alignment on the record.
            let end = (endBits + 7) / 8
            var a = maxAlign
            if (end + a - 1) / a * a < recordSize {
                while a < 4096, recordSize % (a * 2) == 0, (end + a - 1) / a * a < recordSize { a *= 2 }
                // As for holes: a cache line when it explains the size too (the kernel's ____cacheline_aligned).
                if a < 64, recordSize % 64 == 0 { a = 64 }
                raised = raised || a > maxAlign
            }
            result = InferredLayout(alignment: a, packed: false, raised: raised)
        }
        layoutMemo[Int(id)] = result
        return result
    }
}
