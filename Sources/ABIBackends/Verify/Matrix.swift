import ABIModel

/// One target's line of `abigen matrix`: what was generated and verified, and what the compilers said.
public struct MatrixRow: Sendable, Equatable {
    /// The target triple.
    public var target: String
    /// `little` or `big`.
    public var endianness: String
    /// `ok`, `mismatch`, `disagreement`, `refused` or `unavailable`.
    public var status: String
    /// Why the target was refused or is unavailable; empty otherwise.
    public var reason: String
    /// The compilers the layout was checked against (`clang (s390x-linux-gnu)`).
    public var compilers: [String]
    /// Records checked.
    public var records: Int
    /// Fields checked.
    public var fields: Int
    /// Constants checked.
    public var constants: Int
    /// Mismatches between the generated snapshot and the compilers (every compiler's, summed).
    public var mismatches: Int
    /// Numbers the compilers disagree on.
    public var disagreements: Int
    /// The highlighted field (`io_uring_cmd.pdu`): its offset and size, its record's size and alignment; nil when absent.
    public var highlight: (offset: Int, size: Int, recordSize: Int, alignment: Int)?
    /// Seconds spent compiling probes for this target.
    public var compileSeconds: Double

    /// Makes a row.
    public init(target: String, endianness: String, status: String, reason: String = "", compilers: [String] = [],
                records: Int = 0, fields: Int = 0, constants: Int = 0, mismatches: Int = 0, disagreements: Int = 0,
                highlight: (offset: Int, size: Int, recordSize: Int, alignment: Int)? = nil, compileSeconds: Double = 0) {
        self.target = target
        self.endianness = endianness
        self.status = status
        self.reason = reason
        self.compilers = compilers
        self.records = records
        self.fields = fields
        self.constants = constants
        self.mismatches = mismatches
        self.disagreements = disagreements
        self.highlight = highlight
        self.compileSeconds = compileSeconds
    }

    /// Equal when every part but the timing is.
    public static func == (a: Self, b: Self) -> Bool {
        a.target == b.target && a.endianness == b.endianness && a.status == b.status && a.reason == b.reason
            && a.compilers == b.compilers && a.records == b.records && a.fields == b.fields && a.constants == b.constants
            && a.mismatches == b.mismatches && a.disagreements == b.disagreements
            && a.highlight.map { [$0.offset, $0.size, $0.recordSize, $0.alignment] } == b.highlight.map { [$0.offset, $0.size, $0.recordSize, $0.alignment] }
    }
}

/// Renders `abigen matrix` tables (no timings, so the same run gives the same bytes).
public enum MatrixReport {
    static func compilerNames(_ r: MatrixRow) -> String {
        r.compilers.map { $0.split(separator: " ").first.map(String.init) ?? $0 }.joined(separator: "+")
    }

    static func cells(_ r: MatrixRow, highlight: String) -> [String] {
        let h = r.highlight.map { "\($0.offset) / \($0.size) / \($0.recordSize) / \($0.alignment)" } ?? "-"
        let status = r.reason.isEmpty ? r.status : "\(r.status): \(r.reason)"
        return [r.target, r.endianness, compilerNames(r), String(r.records), String(r.fields), String(r.constants),
                String(r.mismatches), String(r.disagreements), h, status]
    }

    static func header(highlight: String) -> [String] {
        ["target", "endian", "compilers", "records", "fields", "constants", "mismatches", "disagreements",
         "\(highlight) offset / size / record size / align", "status"]
    }

    /// A plain-text table with aligned columns.
    public static func text(_ rows: [MatrixRow], highlight: String) -> String {
        let table = [header(highlight: highlight)] + rows.map { cells($0, highlight: highlight) }
        var widths = [Int](repeating: 0, count: table[0].count)
        for row in table { for (i, c) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        return table.map { row in
            row.enumerated().map { i, c in
                i == row.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count)
            }.joined(separator: "  ")
        }.map { $0 + "\n" }.joined()
    }

    /// A markdown table.
    public static func markdown(_ rows: [MatrixRow], highlight: String) -> String {
        let h = header(highlight: highlight)
        var lines = ["| " + h.joined(separator: " | ") + " |", "|" + String(repeating: "---|", count: h.count)]
        for r in rows {
            lines.append("| " + cells(r, highlight: highlight).map { $0.replacingPipes() }.joined(separator: " | ") + " |")
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// A JSON array of objects, one per row, keys in a fixed order.
    public static func json(_ rows: [MatrixRow], highlight: String) -> String {
        func str(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                default:
                    if u.value < 0x20 { out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16) }
                    else { out.unicodeScalars.append(u) }
                }
            }
            return out + "\""
        }
        let objects = rows.map { r in
            var parts = ["\"target\": \(str(r.target))", "\"endianness\": \(str(r.endianness))", "\"status\": \(str(r.status))",
                         "\"reason\": \(str(r.reason))", "\"compilers\": [" + r.compilers.map(str).joined(separator: ", ") + "]",
                         "\"records\": \(r.records)", "\"fields\": \(r.fields)", "\"constants\": \(r.constants)",
                         "\"mismatches\": \(r.mismatches)", "\"disagreements\": \(r.disagreements)"]
            if let h = r.highlight {
                parts.append("\"highlight\": {\"field\": \(str(highlight)), \"offset\": \(h.offset), \"size\": \(h.size), \"recordSize\": \(h.recordSize), \"alignment\": \(h.alignment)}")
            } else {
                parts.append("\"highlight\": null")
            }
            return "  {" + parts.joined(separator: ", ") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + (objects.isEmpty ? "" : "\n") + "]\n"
    }
}

extension String {
    fileprivate func replacingPipes() -> String { String(map { $0 == "|" ? "/" : $0 }) }
}
