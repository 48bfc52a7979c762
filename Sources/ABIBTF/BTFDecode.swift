import Foundation

extension BTFFile {
    /// Decodes a raw blob: the header, the string section and every type record; checks every name offset and type id.
    static func decode(_ blob: [UInt8], file: String) throws -> (Bool, [BTFType], [BTFMember], [UInt8]) {
        try blob.withUnsafeBytes { raw in try decode(raw, file: file) }
    }

    static func decode(_ raw: UnsafeRawBufferPointer, file: String) throws -> (Bool, [BTFType], [BTFMember], [UInt8]) {
        func fail(_ m: String) -> BTFError { BTFError(file: file, message: m) }
        guard raw.count >= 24 else { throw fail("truncated BTF header (\(raw.count) bytes, need 24)") }
        let little: Bool
        if raw[0] == 0x9f && raw[1] == 0xeb { little = true } else if raw[0] == 0xeb && raw[1] == 0x9f { little = false } else {
            throw fail(String(format: "not BTF: magic 0x%02x%02x, expected 0xeb9f", raw[1], raw[0]))
        }
        // Every read below is at an offset checked against the buffer's size first.
        func u32(_ at: Int) -> UInt32 {
            let v = raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)
            return little ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
        }
        guard raw[2] == 1 else { throw fail("unsupported BTF version \(raw[2]) (only version 1 is known)") }
        let hdrLen = Int(u32(4))
        guard hdrLen >= 24 else { throw fail("BTF header length \(hdrLen) is shorter than the 24-byte header") }
        guard hdrLen <= raw.count else { throw fail("BTF header length \(hdrLen) exceeds the \(raw.count)-byte blob") }
        let typeOff = Int(u32(8)), typeLen = Int(u32(12)), strOff = Int(u32(16)), strLen = Int(u32(20))
        func section(_ name: String, _ off: Int, _ len: Int) throws -> Range<Int> {
            let (start, o1) = hdrLen.addingReportingOverflow(off)
            let (end, o2) = start.addingReportingOverflow(len)
            guard !o1, !o2, end <= raw.count else {
                throw fail("\(name) section (offset \(off), length \(len) after a \(hdrLen)-byte header) runs past the end of the \(raw.count)-byte blob")
            }
            return start..<end
        }
        let typeRange = try section("type", typeOff, typeLen)
        let strRange = try section("string", strOff, strLen)
        guard !strRange.isEmpty, raw[strRange.lowerBound] == 0 else { throw fail("string section is empty or does not start with a NUL byte") }
        guard raw[strRange.upperBound - 1] == 0 else { throw fail("string section does not end with a NUL byte") }
        let strings = Array(raw[strRange])
        let strCount = UInt32(strings.count)
        if let bad = strings.withUnsafeBytes({ firstControlCharacter($0) }) {
            throw fail("string section holds a control character at offset \(bad)")
        }

        var types: [BTFType] = [BTFType(kind: .void, nameOffset: 0, kindFlag: false, sizeOrType: 0, extra: 0, arrayElement: 0, arrayIndex: 0, memberStart: 0, memberCount: 0)]
        types.reserveCapacity(typeLen / 24 + 1)
        var members: [BTFMember] = []
        members.reserveCapacity(typeLen / 16)
        var at = typeRange.lowerBound
        let end = typeRange.upperBound
        // The message is built only on failure: interpolating it for each of 100,000 types costs more than decoding them.
        func need(_ n: Int, _ what: @autoclosure () -> String) throws {
            let (e, o) = at.addingReportingOverflow(n)
            guard !o, e <= end else { throw fail("type section truncated inside \(what()) of type id \(types.count)") }
        }
        while at < end {
            guard types.count <= maxTypeID else { throw fail("more than \(maxTypeID) types") }
            try need(12, "the type header")
            let nameOff = u32(at), info = u32(at + 4), sizeOrType = u32(at + 8)
            at += 12
            let rawKind = UInt8((info >> 24) & 0x1f)
            guard let kind = BTFKind(rawValue: rawKind), kind != .void else {
                throw fail("type id \(types.count) has unknown kind \(rawKind)")
            }
            let vlen = Int(info & 0xffff)
            var t = BTFType(kind: kind, nameOffset: nameOff, kindFlag: info >> 31 != 0, sizeOrType: sizeOrType, extra: 0,
                            arrayElement: 0, arrayIndex: 0, memberStart: members.count, memberCount: 0)
            switch kind {
            case .int, .variable, .declTag:
                try need(4, "the \(kind.label) data")
                t.extra = u32(at)
                at += 4
            case .array:
                try need(12, "the ARRAY data")
                t.arrayElement = u32(at)
                t.arrayIndex = u32(at + 4)
                t.extra = u32(at + 8)
                at += 12
            case .struct, .union:
                try need(vlen * 12, "the \(kind.label) members")
                for _ in 0..<vlen {
                    members.append(BTFMember(nameOffset: u32(at), type: u32(at + 4), value: UInt64(u32(at + 8))))
                    at += 12
                }
                t.memberCount = vlen
            case .dataSection:
                try need(vlen * 12, "the DATASEC entries")
                for _ in 0..<vlen {
                    members.append(BTFMember(nameOffset: 0, type: u32(at), value: UInt64(u32(at + 4))))
                    at += 12
                }
                t.memberCount = vlen
            case .enum:
                try need(vlen * 8, "the ENUM values")
                for _ in 0..<vlen {
                    members.append(BTFMember(nameOffset: u32(at), type: 0, value: UInt64(u32(at + 4))))
                    at += 8
                }
                t.memberCount = vlen
            case .enum64:
                try need(vlen * 12, "the ENUM64 values")
                for _ in 0..<vlen {
                    members.append(BTFMember(nameOffset: u32(at), type: 0, value: UInt64(u32(at + 4)) | UInt64(u32(at + 8)) << 32))
                    at += 12
                }
                t.memberCount = vlen
            case .functionProto:
                try need(vlen * 8, "the FUNC_PROTO parameters")
                for _ in 0..<vlen {
                    members.append(BTFMember(nameOffset: u32(at), type: u32(at + 4), value: 0))
                    at += 8
                }
                t.memberCount = vlen
            case .void, .pointer, .forward, .typedef, .volatile, .const, .restrict, .function, .float, .typeTag:
                break
            }
            types.append(t)
        }
        // Every name offset inside the string section, every referenced type id inside the type table.
        let count = UInt32(types.count)
        for (index, t) in types.enumerated() {
            guard t.nameOffset < strCount else {
                throw fail("type id \(index) has name offset \(t.nameOffset) beyond the \(strCount)-byte string section")
            }
            func checkID(_ id: UInt32, _ role: String) throws {
                guard id < count else { throw fail("type id \(index) (\(t.kind.label)) refers to \(role) type id \(id), but the file has only \(count) types") }
            }
            switch t.kind {
            case .pointer, .typedef, .volatile, .const, .restrict, .function, .variable, .declTag, .typeTag:
                try checkID(t.sizeOrType, "its")
            case .functionProto:
                try checkID(t.sizeOrType, "a return")
            case .array:
                try checkID(t.arrayElement, "an element")
                try checkID(t.arrayIndex, "an index")
            default:
                break
            }
            for m in members[t.memberStart..<(t.memberStart + t.memberCount)] {
                guard m.nameOffset < strCount else {
                    throw fail("type id \(index) has a member name offset \(m.nameOffset) beyond the \(strCount)-byte string section")
                }
                try checkID(m.type, "a member")
            }
        }
        return (little, types, members, strings)
    }

    /// The offset of the first control character other than NUL (0x01...0x1F, 0x7F) in `bytes`, or nil. Eight bytes
    /// at a time: each byte less one (NUL wraps to 0xFF) is tested for being below 0x1F, and for 0x7E; only a word
    /// where either may hold is looked at byte by byte.
    static func firstControlCharacter(_ bytes: UnsafeRawBufferPointer) -> Int? {
        func isControl(_ b: UInt8) -> Bool { (b < 0x20 && b != 0) || b == 0x7f }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasByteBelow(_ x: UInt64, _ n: UInt64) -> Bool { (x &- ones &* n) & ~x & highs != 0 }
        var i = 0
        while bytes.count - i >= 8 {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // Every byte minus one, without borrows between bytes.
            let m = ((w | highs) &- ones) ^ ((w ^ ~ones) & highs)
            if hasByteBelow(m, 0x1f) || hasByteBelow(m ^ (ones &* 0x7e), 1) {
                for j in i..<(i + 8) where isControl(bytes[j]) { return j }
            }
            i += 8
        }
        for j in i..<bytes.count where isControl(bytes[j]) { return j }
        return nil
    }
}
