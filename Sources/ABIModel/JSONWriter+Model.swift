import Foundation

extension JSONWriter {
    /// `source`, keys sorted as `JSONEncoder` sorts them (Documentation/Snapshot.md).
    mutating func write(_ source: ABISource) {
        object { w in
            var f = true
            switch source {
            case .btf(let b):
                w.key("kind", first: &f); w.string("btf")
                w.key("path", first: &f); w.string(b.path)
                if let sel = b.selection {
                    w.key("selection", first: &f); w.object { w in
                        var f = true
                        if let c = sel.constantPrefixes { w.key("constantPrefixes", first: &f); w.array(c) { $0.string($1) } }
                        w.key("records", first: &f); w.array(sel.records) { $0.string($1) }
                    }
                }
            case .headers(let h):
                w.key("arguments", first: &f); w.array(h.extraArguments) { $0.string($1) }
                w.key("headers", first: &f); w.array(h.headers) { $0.string($1) }
                w.key("includeDirectories", first: &f); w.array(h.includeDirectories) { w, d in
                    w.object { w in
                        var f = true
                        w.key("path", first: &f); w.string(d.path)
                        w.key("role", first: &f); w.string(d.role.rawValue)
                    }
                }
                if let k = h.kernelTree {
                    w.key("kernelTree", first: &f); w.object { w in
                        var f = true
                        w.key("path", first: &f); w.string(k.path)
                        if let v = k.version { w.key("version", first: &f); w.string(v) }
                    }
                }
                w.key("kind", first: &f); w.string("headers")
                w.key("preludeHeaders", first: &f); w.array(h.preludeHeaders) { $0.string($1) }
                if let sel = h.selection {
                    w.key("selection", first: &f); w.object { w in
                        var f = true
                        if let m = sel.macroPrefixes { w.key("macroPrefixes", first: &f); w.array(m) { $0.string($1) } }
                        w.key("records", first: &f); w.array(sel.records) { $0.string($1) }
                        w.key("skipBrokenHeaders", first: &f); w.bool(sel.skipBrokenHeaders)
                    }
                }
                if let t = h.target { w.key("target", first: &f); w.string(t) }
            }
        }
    }

    mutating func write(_ c: Constant) {
        object { w in
            var f = true
            if let d = c.definition { w.key("definition", first: &f); w.string(d) }
            if let n = c.enumName { w.key("enumName", first: &f); w.string(n) }
            if let t = c.enumType {
                w.key("enumType", first: &f)
                w.object { w in
                    var f = true
                    w.key("signed", first: &f); w.bool(t.signed)
                    w.key("size", first: &f); w.int(t.size)
                    w.key("spelling", first: &f); w.string(t.spelling)
                }
            }
            w.key("header", first: &f); w.string(c.header)
            w.key("name", first: &f); w.string(c.name)
            w.key("origin", first: &f); w.string(c.origin.rawValue)
            w.key("signed", first: &f); w.bool(c.signed)
            w.key("size", first: &f); w.int(c.size)
            w.key("type", first: &f); w.string(c.type)
            w.key("value", first: &f)
            switch c.value {
            case .signed(let v): w.int(v)
            case .unsigned(let v): w.int(v)
            }
        }
    }

    mutating func write(_ r: Record) {
        object { w in
            var f = true
            w.key("alignment", first: &f); w.int(r.alignment)
            if let i = r.alignmentInferred { w.key("alignmentInferred", first: &f); w.bool(i) }
            w.key("anonymousMembers", first: &f); w.array(r.anonymousMembers) { w, a in
                w.object { w in
                    var f = true
                    w.key("fieldIndexes", first: &f); w.array(a.fieldIndexes) { $0.int($1) }
                    w.key("kind", first: &f); w.string(a.kind.rawValue)
                    w.key("offset", first: &f); w.int(a.offset)
                    w.key("path", first: &f); w.array(a.path) { $0.int($1) }
                    w.key("size", first: &f); w.int(a.size)
                }
            }
            w.key("cName", first: &f); w.string(r.cName)
            w.key("fields", first: &f); w.array(r.fields) { $0.write($1) }
            w.key("header", first: &f); w.string(r.header)
            w.key("kind", first: &f); w.string(r.kind.rawValue)
            w.key("name", first: &f); w.string(r.name)
            w.key("packed", first: &f); w.bool(r.packed)
            w.key("size", first: &f); w.int(r.size)
        }
    }

    mutating func write(_ fl: Field) {
        object { w in
            var f = true
            if let p = fl.anonymousPath { w.key("anonymousPath", first: &f); w.array(p) { $0.int($1) } }
            if let b = fl.bitOffset { w.key("bitOffset", first: &f); w.int(b) }
            if let b = fl.bitWidth { w.key("bitWidth", first: &f); w.int(b) }
            w.key("name", first: &f); w.string(fl.name)
            w.key("offset", first: &f); w.int(fl.offset)
            w.key("size", first: &f); w.int(fl.size)
            w.key("type", first: &f)
            let t = fl.type
            w.object { w in
                var f = true
                if let d = t.arrayDimensions { w.key("arrayDimensions", first: &f); w.array(d) { $0.int($1) } }
                w.key("canonical", first: &f); w.string(t.canonical)
                if let x = t.flexibleArray { w.key("flexibleArray", first: &f); w.bool(x) }
                w.key("kind", first: &f); w.string(t.kind.rawValue)
                if let r = t.record { w.key("record", first: &f); w.string(r) }
                w.key("scalarSize", first: &f); w.int(t.scalarSize)
                if let s = t.signed { w.key("signed", first: &f); w.bool(s) }
                w.key("spelling", first: &f); w.string(t.spelling)
            }
        }
    }
}
