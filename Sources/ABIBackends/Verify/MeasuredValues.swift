import ABIModel

/// Measured numbers by check, in one flat array laid out over a snapshot's records, fields, constants and enums,
/// so that storing and finding a number is arithmetic, not hashing. Behaves as a `[CheckKey: UInt64]`.
struct MeasuredValues: Sendable {
    /// Index of each record's first field among all fields; one more entry holds the number of fields.
    private let fieldStart: [Int]
    /// The tags of the enums the probes measure, in snapshot order, and each one's index.
    private let enumTags: [String]
    private let enumIndex: [String: Int]
    /// Where the field, constant and enum slots start.
    private let fieldBase: Int, constantBase: Int, enumBase: Int
    /// The numbers, and whether each slot holds one.
    private var words: [UInt64]
    private var present: [Bool]
    /// Keys with no slot (never made by the probes; kept so that this stays a dictionary for any key).
    private var extra: [CheckKey: UInt64] = [:]
    /// How many numbers are held.
    private(set) var count = 0

    private static let recordProperties: [ABIProperty] = [.size, .alignment]
    private static let fieldProperties: [ABIProperty] = [.offset, .fieldSize, .elementSize, .bitOffset, .bitWidth, .signedness]
    private static let constantProperties: [ABIProperty] = [.value, .constantSize, .constantSignedness]
    private static let enumProperties: [ABIProperty] = [.enumSize, .enumSignedness]

    /// Room for every check a probe of `snapshot` makes, none held yet.
    init(snapshot: ABISnapshot) {
        var starts = [Int]()
        starts.reserveCapacity(snapshot.records.count + 1)
        var fields = 0
        for r in snapshot.records.indices {
            starts.append(fields)
            fields += snapshot.records[r].fields.count
        }
        starts.append(fields)
        fieldStart = starts
        var tags: [String] = [], index: [String: Int] = [:]
        let constants = snapshot.constants
        for c in constants.indices where constants[c].origin == .enumerator && constants[c].enumType != nil {
            if let tag = constants[c].enumName, index[tag] == nil {
                index[tag] = tags.count
                tags.append(tag)
            }
        }
        enumTags = tags
        enumIndex = index
        fieldBase = 2 * snapshot.records.count
        constantBase = fieldBase + 6 * fields
        enumBase = constantBase + 3 * snapshot.constants.count
        let slots = enumBase + 2 * tags.count
        words = [UInt64](repeating: 0, count: slots)
        present = [Bool](repeating: false, count: slots)
    }

    /// The slot of `key`, or nil when it has none.
    private func slot(_ key: CheckKey) -> Int? {
        switch (key.subject, key.property) {
        case (.record(let r), .size), (.record(let r), .alignment):
            guard r >= 0, r + 1 < fieldStart.count else { return nil }
            return 2 * r + (key.property == .size ? 0 : 1)
        case (.field(let r, let f), _):
            guard r >= 0, r + 1 < fieldStart.count, f >= 0, f < fieldStart[r + 1] - fieldStart[r] else { return nil }
            let p: Int
            switch key.property {
            case .offset: p = 0
            case .fieldSize: p = 1
            case .elementSize: p = 2
            case .bitOffset: p = 3
            case .bitWidth: p = 4
            case .signedness: p = 5
            default: return nil
            }
            return fieldBase + 6 * (fieldStart[r] + f) + p
        case (.constant(let c), .value), (.constant(let c), .constantSize), (.constant(let c), .constantSignedness):
            guard c >= 0, c < (enumBase - constantBase) / 3 else { return nil }
            return constantBase + 3 * c + (key.property == .value ? 0 : key.property == .constantSize ? 1 : 2)
        case (.enumeration(let tag), .enumSize), (.enumeration(let tag), .enumSignedness):
            guard let e = enumIndex[tag] else { return nil }
            return enumBase + 2 * e + (key.property == .enumSize ? 0 : 1)
        default:
            return nil
        }
    }

    /// The number measured for `key`, if any.
    subscript(key: CheckKey) -> UInt64? {
        get {
            guard let s = slot(key) else { return extra[key] }
            return present[s] ? words[s] : nil
        }
        set {
            guard let s = slot(key) else {
                if extra[key] != nil { count -= 1 }
                extra[key] = newValue
                if newValue != nil { count += 1 }
                return
            }
            if present[s] { count -= 1 }
            present[s] = newValue != nil
            words[s] = newValue ?? 0
            if newValue != nil { count += 1 }
        }
    }

    /// Stores `values[i]` for `keys[i]`, leaving out the keys in `skipping`.
    mutating func store(_ keys: [CheckKey], _ values: ArraySlice<UInt64>, skipping: [CheckKey: String]) {
        for (key, word) in zip(keys, values) where skipping.isEmpty || skipping[key] == nil {
            guard let s = slot(key) else {
                self[key] = word
                continue
            }
            if !present[s] {
                present[s] = true
                count += 1
            }
            words[s] = word
        }
    }

    /// Every number held, by check.
    var dictionary: [CheckKey: UInt64] {
        var result = extra
        result.reserveCapacity(count)
        func take(_ slot: Int, _ key: @autoclosure () -> CheckKey) {
            if present[slot] { result[key()] = words[slot] }
        }
        for r in 0..<(fieldStart.count - 1) {
            for (p, property) in Self.recordProperties.enumerated() { take(2 * r + p, CheckKey(.record(r), property)) }
            for f in 0..<(fieldStart[r + 1] - fieldStart[r]) {
                for (p, property) in Self.fieldProperties.enumerated() {
                    take(fieldBase + 6 * (fieldStart[r] + f) + p, CheckKey(.field(record: r, field: f), property))
                }
            }
        }
        for c in 0..<((enumBase - constantBase) / 3) {
            for (p, property) in Self.constantProperties.enumerated() { take(constantBase + 3 * c + p, CheckKey(.constant(c), property)) }
        }
        for (e, tag) in enumTags.enumerated() {
            for (p, property) in Self.enumProperties.enumerated() { take(enumBase + 2 * e + p, CheckKey(.enumeration(tag), property)) }
        }
        return result
    }
}
