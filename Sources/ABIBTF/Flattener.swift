import ABIModel

/// An array member of anonymous record type, whose element type becomes a record of its own.
struct ElementRecord {
    var typeID: UInt32
    var name: String
    var cName: String
    var field: String
}

/// Flattens one record's members through anonymous structs and unions, as the libclang frontend does.
struct Flattener {
    let recordName: String
    let recordCName: String
    /// The record clang names unnamed nested types after (`struct s::<unnamed>`).
    var canonicalContext: String
    var fields: [Field] = []
    var anonymous: [AnonymousMember] = []
    var unsupported: [Unsupported] = []
    var elementRecords: [ElementRecord] = []

    /// True while flattening the element record of an array of anonymous records (whose own such arrays are not
    /// made records: their C name would need a `__typeof__` inside a `__typeof__`).
    let insideElement: Bool

    /// `insideElement` nil: an element record exactly when a `canonicalContext` (its outer record) is given.
    init(recordName: String, recordCName: String, canonicalContext: String? = nil, insideElement: Bool? = nil) {
        self.recordName = recordName
        self.recordCName = recordCName
        self.canonicalContext = canonicalContext ?? recordName
        self.insideElement = insideElement ?? (canonicalContext != nil)
    }

    /// `anonStart`: anonymous members already numbered at this level (a named member of unnamed type continues
    /// the numbering of the level that holds it, as the libclang frontend does, so every path is unique).
    mutating func walk(_ id: UInt32, baseBits: Int, prefix: String, anonPath: [Int], indexPath: [Int], builder: inout Builder, depth: Int,
                       anonStart: Int = 0) throws {
        guard depth < Builder.maxDepth else { throw builder.tooDeep(id) }
        let ty = builder.t(id)
        var anonCount = anonStart
        for (index, m) in builder.file.members(of: id).enumerated() {
            builder.produced += 1
            guard builder.produced <= Builder.maxEntries else {
                throw builder.fail("\(recordCName) flattens to more than \(Builder.maxEntries) members (anonymous members nest too widely)")
            }
            let name = try builder.identifier(builder.file.string(at: m.nameOffset), "a member of \(recordCName)")
            let (bitOffset, width) = try builder.bits(m, kflag: ty.kindFlag)
            let (offsetBits, overflow) = baseBits.addingReportingOverflow(bitOffset)
            guard !overflow, offsetBits <= 1 << 35 else { throw builder.fail("\(recordCName): member offset overflows") }
            let canonID = try builder.resolve(m.type)
            let canon = builder.t(canonID)
            let isRecord = canon.kind == .struct || canon.kind == .union
            let unnamedRecord = isRecord && builder.file.isEmptyName(canon.nameOffset)
            if isRecord && name.isEmpty {
                anonCount += 1
                let path = anonPath + [anonCount]
                anonymous.append(AnonymousMember(path: path, fieldIndexes: indexPath + [index], kind: canon.kind == .union ? .union : .struct,
                                                 offset: offsetBits / 8, size: Int(canon.sizeOrType)))
                try walk(canonID, baseBits: offsetBits, prefix: prefix, anonPath: path, indexPath: indexPath + [index], builder: &builder, depth: depth + 1)
                continue
            }
            if name.isEmpty { continue }   // an unnamed bitfield: padding
            let fullName = prefix + name
            // C holds no member of type void, of a function type or of an incomplete (forward-declared) type by value.
            var element = canonID
            for _ in 0..<Builder.maxDepth where builder.t(element).kind == .array { element = try builder.resolve(builder.t(element).arrayElement) }
            switch builder.t(element).kind {
            case .void, .functionProto, .function, .forward, .variable, .dataSection, .declTag:
                throw builder.fail("\(recordCName): member '\(fullName)' has a type no member can have (\(builder.t(element).kind.label), held by value)")
            default: break
            }
            var fieldType = try builder.describe(m.type, context: canonicalContext)
            if let width {
                fields.append(Field(name: fullName, offset: offsetBits / 8, size: (offsetBits % 8 + width + 7) / 8,
                                    bitOffset: offsetBits, bitWidth: width, type: fieldType,
                                    anonymousPath: anonPath.isEmpty ? nil : anonPath))
                continue
            }
            if offsetBits % 8 != 0 {
                unsupported.append(Unsupported(name: "\(recordCName).\(fullName)", reason: "member does not start on a byte boundary"))
            }
            // An array of an unnamed record type: its element type becomes a record of its own; inside such an
            // element (a record already named by `__typeof__`), as the libclang frontend does, only its bytes.
            if fieldType.arrayDimensions != nil, fieldType.kind == .record, fieldType.record == nil, insideElement {
                unsupported.append(Unsupported(name: "\(recordCName).\(fullName)",
                                               reason: "array of an unnamed struct or union inside an element of another such array: only its bytes are described"))
            } else if fieldType.arrayDimensions != nil, fieldType.kind == .record, fieldType.record == nil {
                var element = m.type
                var dims = 0
                for _ in 0..<Builder.maxDepth {
                    let r = builder.t(try builder.resolve(element))
                    guard r.kind == .array else { break }
                    element = r.arrayElement
                    dims += 1
                }
                let elementID = try builder.resolve(element)
                let synthesized = recordName + "_" + fullName.replacingOccurrences(of: ".", with: "_")
                let cName = "__typeof__(((\(recordCName) *)0)->\(fullName)" + String(repeating: "[0]", count: dims) + ")"
                fieldType.record = synthesized
                elementRecords.append(ElementRecord(typeID: elementID, name: synthesized, cName: cName, field: fullName))
            }
            fields.append(Field(name: fullName, offset: offsetBits / 8, size: try builder.size(m.type), type: fieldType,
                                anonymousPath: anonPath.isEmpty ? nil : anonPath))
            // A named member of an unnamed record type: its members are reachable as `name.member`.
            if unnamedRecord {
                var inner = Flattener(recordName: recordName, recordCName: recordCName, canonicalContext: canonicalContext,
                                      insideElement: insideElement)
                try inner.walk(canonID, baseBits: offsetBits, prefix: fullName + ".", anonPath: anonPath, indexPath: indexPath,
                               builder: &builder, depth: depth + 1, anonStart: anonCount)
                fields += inner.fields
                anonCount += inner.anonymous.filter { $0.path.count == anonPath.count + 1 }.count
                anonymous += inner.anonymous
                unsupported += inner.unsupported
                elementRecords += inner.elementRecords
            }
        }
    }
}
