import ABIModel

/// Turns a compiled probe's bytes into measured values: the value array's words by check, the bitfield objects'
/// set bits as positions and widths; and a snapshot with the measured numbers put in.
enum ProbeDecoder {
    /// Adds every value `probe` measures to `values`, leaving out the keys in `skipping`.
    static func decode(_ elf: ELFFile, probe: Probe, object: String, into values: inout MeasuredValues,
                       skipping: [CheckKey: String]) throws(VerifyError) {
        let words: [UInt64]
        do { words = try elf.contents(of: ProbeBuilder.valuesSymbol).words(bigEndian: elf.isBigEndian) } catch {
            throw VerifyError.unreadableObject(path: object, reason: "\(error)")
        }
        try checkHeader(words: words, count: probe.keys.count, object: object)
        values.store(probe.keys, words.dropFirst(2), skipping: skipping)
        for alias in probe.aliases where probe.keys.indices.contains(alias.slot) && skipping[alias.key] == nil {
            values[alias.key] = words[alias.slot + 2]
        }
        for b in probe.bitfields {
            let bytes: [UInt8]
            do { bytes = try elf.contents(of: b.symbol) } catch {
                throw VerifyError.unreadableObject(path: object, reason: "\(error)")
            }
            for (key, value) in bitfield(bytes, bigEndian: elf.isBigEndian, subject: b.key.subject) where skipping[key] == nil {
                values[key] = value
            }
        }
    }

    /// The value array's words by check: the magic word, the count, then one word per check.
    static func values(words: [UInt64], checks: [ProbeCheck], object: String) throws(VerifyError) -> [CheckKey: UInt64] {
        try checkHeader(words: words, count: checks.count, object: object)
        var values: [CheckKey: UInt64] = [:]
        values.reserveCapacity(checks.count)
        for (i, check) in checks.enumerated() { values[check.key] = words[i + 2] }
        return values
    }

    /// Refuses a value array that is not the magic word, the count and one word per check.
    static func checkHeader(words: [UInt64], count: Int, object: String) throws(VerifyError) {
        guard words.count == count + 2, words[0] == ProbeBuilder.magic, words[1] == UInt64(count) else {
            throw VerifyError.unreadableObject(path: object, reason: "\(ProbeBuilder.valuesSymbol) holds \(words.count) words, "
                + "expected the magic word, the count and \(count) values")
        }
    }

    /// A bitfield object's set bits as the field's `.bitOffset`, `.bitWidth`, `.offset` and `.fieldSize`.
    static func bitfield(_ bytes: [UInt8], bigEndian: Bool, subject: ProbeSubject) -> [CheckKey: UInt64] {
        // Bit n is bit n % 8 of byte n / 8, counted from the least significant bit on little-endian
        // targets and from the most significant on big-endian ones (``LinuxTarget``'s convention).
        var first: Int?, count = 0
        for (i, byte) in bytes.enumerated() {
            for bit in 0..<8 where byte & (bigEndian ? 0x80 >> bit : 1 << bit) != 0 {
                if first == nil { first = i * 8 + bit }
                count += 1
            }
        }
        let bitOffset = first ?? 0
        return [
            CheckKey(subject, .bitOffset): UInt64(bitOffset),
            CheckKey(subject, .bitWidth): UInt64(count),
            CheckKey(subject, .offset): UInt64(bitOffset / 8),
            CheckKey(subject, .fieldSize): UInt64((bitOffset % 8 + count + 7) / 8),
        ]
    }

    /// The snapshot with every measured number replaced by the measurement's.
    static func apply(_ values: [CheckKey: UInt64], to snapshot: ABISnapshot) -> ABISnapshot {
        apply({ values[$0] }, to: snapshot)
    }

    /// The snapshot with every number `value` measured put in.
    static func apply(_ value: (CheckKey) -> UInt64?, to snapshot: ABISnapshot) -> ABISnapshot {
        var s = snapshot
        func int(_ key: CheckKey) -> Int? { value(key).map { Int(truncatingIfNeeded: $0) } }
        func bool(_ key: CheckKey) -> Bool? { value(key).map { $0 != 0 } }
        for ri in s.records.indices {
            if let v = int(CheckKey(.record(ri), .size)) { s.records[ri].size = v }
            if let v = int(CheckKey(.record(ri), .alignment)) { s.records[ri].alignment = v }
            for fi in s.records[ri].fields.indices {
                let subject = ProbeSubject.field(record: ri, field: fi)
                var f = s.records[ri].fields[fi]
                if let v = int(CheckKey(subject, .offset)) { f.offset = v }
                if let v = int(CheckKey(subject, .fieldSize)) { f.size = v }
                if !f.isBitfield && f.type.isVariableTail && int(CheckKey(subject, .offset)) != nil { f.size = 0 }
                if let v = int(CheckKey(subject, .bitOffset)) { f.bitOffset = v }
                if let v = int(CheckKey(subject, .bitWidth)) { f.bitWidth = v }
                if let v = int(CheckKey(subject, .elementSize)) { f.type.scalarSize = v }
                if let v = bool(CheckKey(subject, .signedness)) { f.type.signed = v }
                s.records[ri].fields[fi] = f
            }
        }
        for ci in s.constants.indices {
            let signed = bool(CheckKey(.constant(ci), .constantSignedness))
            if let v = value(CheckKey(.constant(ci), .value)) {
                s.constants[ci].value = (signed ?? s.constants[ci].signed) ? .signed(Int64(bitPattern: v)) : .unsigned(v)
            }
            if let v = int(CheckKey(.constant(ci), .constantSize)) { s.constants[ci].size = v }
            if let v = signed { s.constants[ci].signed = v }
            if let tag = s.constants[ci].enumName, var et = s.constants[ci].enumType {
                if let v = int(CheckKey(.enumeration(tag), .enumSize)) { et.size = v }
                if let v = bool(CheckKey(.enumeration(tag), .enumSignedness)) { et.signed = v }
                s.constants[ci].enumType = et
            }
        }
        return s
    }
}
