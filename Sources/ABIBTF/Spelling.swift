import ABIModel

extension Builder {
    /// Describes a member's type for the model, as the libclang frontend does.
    mutating func describe(_ id: UInt32, context: String) throws -> FieldType {
        if let m = memoIndex(id), memos[m].described >= 0 { return described[Int(memos[m].described)] }
        let result = try describeUncached(id, context: context)
        // Kept only when neither spelling depended on the context (both are then memoized by ``spell``).
        if let m = memoIndex(id), memos[m].spelling != nil, memos[m].canonical != nil {
            memos[m].described = Int32(truncatingIfNeeded: described.count)
            described.append(result)
        }
        return result
    }

    mutating func describeUncached(_ id: UInt32, context: String) throws -> FieldType {
        var dims: [Int] = []
        var element = try resolve(id)
        while t(element).kind == .array {
            guard dims.count < Builder.maxDepth else { throw tooDeep(id) }
            dims.append(Int(t(element).extra))
            element = try resolve(t(element).arrayElement)
        }
        let e = t(element)
        let kind: TypeKind
        var signed: Bool? = nil
        var record: String? = nil
        switch e.kind {
        case .enum, .enum64:
            kind = .enumeration
            signed = e.kindFlag
        case .float:
            kind = .floating
        case .pointer:
            kind = .pointer
        case .struct, .union:
            kind = .record
            let n = name(element)
            record = n.isEmpty ? nil : n
        case .int where isFloatName(name(element)):
            kind = .floating   // older pahole encodes floating types as INT
        case .int:
            kind = .integer
            signed = e.intSigned && !e.intBool
        default:
            kind = .other
        }
        let spelling = try spell(id, canonical: false, context: context)
        let canonical: String
        if spelledCanonically(id) {
            // No typedef or unnamed tag on the way: the canonical spelling is the spelling (memoized as spell would).
            canonical = spelling
            memos[memoIndexCreating(id)].canonical = spelling
        } else {
            canonical = try spell(id, canonical: true, context: context)
        }
        return FieldType(spelling: spelling, canonical: canonical, kind: kind, scalarSize: try size(element), signed: signed, record: record,
                         arrayDimensions: dims.isEmpty ? nil : dims)
    }

    /// True when type `id`'s canonical spelling equals its spelling: its declarator chain (pointers, arrays,
    /// qualifiers, type tags) ends in a scalar or a named tag with no typedef or unnamed tag on the way.
    func spelledCanonically(_ id: UInt32) -> Bool {
        var cur = id
        for _ in 0..<Builder.maxDepth {
            let ty = t(cur)
            switch ty.kind {
            case .void, .int, .float: return true
            case .struct, .union, .enum, .enum64, .forward: return !file.isEmptyName(ty.nameOffset)
            case .pointer, .const, .volatile, .restrict, .typeTag: cur = ty.sizeOrType
            case .array: cur = ty.arrayElement
            default: return false
            }
        }
        return false
    }

    /// The C spelling of type `id` (canonical: typedefs resolved), as clang prints it.
    mutating func spell(_ id: UInt32, canonical: Bool, context: String) throws -> String {
        if let m = memoIndex(id), let known = canonical ? memos[m].canonical : memos[m].spelling { return known }
        var usedContext = false
        let s = try compose(id, inner: "", quals: Qualifiers(), canonical: canonical, context: context, usedContext: &usedContext, depth: 0)
        if !usedContext {
            let m = memoIndexCreating(id)
            if canonical { memos[m].canonical = s } else { memos[m].spelling = s }
        }
        return s
    }

    /// Builds a C type spelling from the inside out: `inner` is the declarator built so far, `quals` the pending qualifiers.
    func compose(_ id: UInt32, inner: String, quals: Qualifiers, canonical: Bool, context: String, usedContext: inout Bool, depth: Int) throws -> String {
        guard depth < Builder.maxDepth else { throw tooDeep(id) }
        guard inner.utf8.count <= Builder.maxSpelling else { throw fail("type id \(id): type spelling longer than \(Builder.maxSpelling) characters") }
        let ty = t(id)
        func qualifierText(_ q: Qualifiers) -> String { q.text }
        func base(_ b: String) -> String {
            let q = qualifierText(quals)
            let head = q.isEmpty ? b : q + " " + b
            if inner.isEmpty { return head }
            return inner.hasPrefix("[") ? head + inner : head + " " + inner
        }
        switch ty.kind {
        case .void:
            return base("void")
        case .int:
            return base(intNames[id] ?? integerName(ty))
        case .float:
            return base(name(id))
        case .struct, .union, .enum, .enum64, .forward:
            let keyword: String
            switch ty.kind {
            case .struct: keyword = "struct"
            case .union: keyword = "union"
            case .forward: keyword = ty.kindFlag ? "union" : "struct"
            default: keyword = "enum"
            }
            let n = name(id)
            if !n.isEmpty { return base(keyword + " " + n) }
            if canonical {
                usedContext = true
                return base("\(keyword) \(context)::<unnamed>")
            }
            return base("\(keyword) <unnamed>")
        case .typedef:
            if !canonical { return base(name(id)) }
            let target = t(ty.sizeOrType)
            if target.kind.isTag, name(ty.sizeOrType).isEmpty { return base(name(id)) }
            return try compose(ty.sizeOrType, inner: inner, quals: quals, canonical: canonical, context: context, usedContext: &usedContext, depth: depth + 1)
        case .const, .volatile, .restrict:
            let q: Qualifiers = ty.kind == .const ? .const : ty.kind == .volatile ? .volatile : .restrict
            return try compose(ty.sizeOrType, inner: inner, quals: quals.union(q), canonical: canonical, context: context, usedContext: &usedContext, depth: depth + 1)
        case .typeTag:
            return try compose(ty.sizeOrType, inner: inner, quals: quals, canonical: canonical, context: context, usedContext: &usedContext, depth: depth + 1)
        case .pointer:
            let q = qualifierText(quals)
            var d = "*" + q + (inner.isEmpty ? "" : (q.isEmpty ? "" : " ") + inner)
            var pointee = ty.sizeOrType
            for _ in 0..<Builder.maxDepth {
                let p = t(pointee)
                guard p.kind.isQualifier || p.kind == .typeTag else { break }
                pointee = p.sizeOrType
            }
            let pk = t(pointee).kind
            if pk == .array || pk == .functionProto { d = "(" + d + ")" }
            return try compose(ty.sizeOrType, inner: d, quals: Qualifiers(), canonical: canonical, context: context, usedContext: &usedContext, depth: depth + 1)
        case .array:
            return try compose(ty.arrayElement, inner: inner + "[\(ty.extra)]", quals: quals, canonical: canonical, context: context, usedContext: &usedContext, depth: depth + 1)
        case .functionProto:
            var params: [String] = []
            var length = 0
            for (i, p) in file.members(of: id).enumerated() {
                if p.type == 0, i == ty.memberCount - 1 { params.append("..."); continue }
                let s = try compose(p.type, inner: "", quals: Qualifiers(), canonical: canonical, context: context, usedContext: &usedContext, depth: depth + 1)
                length += s.utf8.count + 2
                guard length <= Builder.maxSpelling else { throw fail("type id \(id): type spelling longer than \(Builder.maxSpelling) characters") }
                params.append(s)
            }
            let list = params.isEmpty ? "void" : params.joined(separator: ", ")
            return try compose(ty.sizeOrType, inner: inner + "(" + list + ")", quals: Qualifiers(), canonical: canonical, context: context, usedContext: &usedContext, depth: depth + 1)
        case .function, .variable, .dataSection, .declTag:
            return base("<\(ty.kind.label)>")
        }
    }

    /// True for the names of C floating types, which older pahole versions encode as INT.
    func isFloatName(_ n: String) -> Bool {
        switch n {
        case "float", "double", "long double", "_Float16", "_Float32", "_Float64", "_Float128", "__float128", "__fp16": return true
        default: return false
        }
    }

    /// An INT's name as clang spells the type: gcc's `long unsigned int` is `unsigned long`.
    func integerName(_ ty: BTFType) -> String {
        let raw = file.string(at: ty.nameOffset)
        if isFloatName(raw) { return raw }
        let words = raw.split(separator: " ").map(String.init)
        let size = Int(ty.sizeOrType)
        let known: Set<String> = ["unsigned", "signed", "long", "short", "int", "char", "_Bool", "__int128"]
        guard !words.isEmpty, words.allSatisfy({ known.contains($0) }) else {
            if ty.intBool { return "_Bool" }
            return integerSpelling(size: size, signed: ty.intSigned)
        }
        let unsigned = words.contains("unsigned")
        if words.contains("_Bool") { return "_Bool" }
        if words.contains("__int128") { return unsigned ? "unsigned __int128" : "__int128" }
        if words.contains("char") { return unsigned ? "unsigned char" : words.contains("signed") ? "signed char" : "char" }
        let longs = words.filter { $0 == "long" }.count
        let base = words.contains("short") ? "short" : longs == 1 ? "long" : longs >= 2 ? "long long" : "int"
        return unsigned ? "unsigned " + base : base
    }
}

/// The qualifiers pending while a spelling is built, written in clang's order (`const volatile restrict`).
struct Qualifiers: OptionSet {
    let rawValue: UInt8
    static let const = Qualifiers(rawValue: 1)
    static let volatile = Qualifiers(rawValue: 2)
    static let restrict = Qualifiers(rawValue: 4)

    /// The words, or "" for none.
    var text: String {
        switch rawValue {
        case 0: return ""
        case 1: return "const"
        case 2: return "volatile"
        case 3: return "const volatile"
        case 4: return "restrict"
        case 5: return "const restrict"
        case 6: return "volatile restrict"
        default: return "const volatile restrict"
        }
    }
}
