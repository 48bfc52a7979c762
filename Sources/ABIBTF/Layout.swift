// Alignment and packing inference: BTF records sizes and offsets, never alignment.

/// Inferred layout facts of one struct or union type.
struct InferredLayout {
    var alignment: Int
    var packed: Bool
    var raised: Bool
}

extension Builder {
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

    /// Infers a struct or union's alignment and packing from its members' types and offsets.
    mutating func layout(_ id: UInt32, depth: Int) throws -> InferredLayout {
        if let m = memoIndex(id), let known = memos[m].layout { return known }
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
        memos[memoIndexCreating(id)].layout = result
        return result
    }
}
