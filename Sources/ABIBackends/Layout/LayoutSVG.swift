import ABIModel

/// Byte-map pictures: one row per 16 bytes, each member a box spanning its bytes, union members in
/// stacked lanes, holes shaded, zero-length and flexible areas hatched to the end of the record.
public enum LayoutSVG {
    /// Bytes per row.
    public static let rowBytes = 16
    /// Width of one byte, in pixels.
    public static let byteWidth = 44
    /// Left margin (offset labels), in pixels.
    public static let marginLeft = 56
    /// Height of one lane, in pixels.
    public static let laneHeight = 22
    /// Gap between rows, in pixels.
    public static let rowGap = 10
    /// Height of a record's title, in pixels.
    public static let titleHeight = 30

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The x of a byte's left edge within its row.
    public static func x(ofByte b: Int) -> Int { marginLeft + (b % rowBytes) * byteWidth }

    static let palette = ["#cfe2f3", "#d9ead3", "#fff2cc", "#f4cccc", "#d9d2e9", "#fce5cd", "#d0e0e3", "#ead1dc"]

    /// Interior rows (no range starts or ends in them) longer than this are drawn first and last, with a marker
    /// for the rows between: a picture's size grows with the number of fields, not of bytes.
    public static let maxRepeatedRows = 8

    /// What a picture shows, top to bottom: a row of bytes, or a marker for `count` rows like their neighbours.
    enum Line: Equatable {
        case row(Int)
        case elided(first: Int, count: Int)
    }

    /// The rows to draw for byte ranges over `extent` bytes: every row where a range starts or ends, and the
    /// rows between; a run of more than ``maxRepeatedRows`` such rows is shortened to its first and last row.
    static func lines(_ ranges: [Range<Int>], extent: Int) -> [Line] {
        let rows = extent / rowBytes + (extent % rowBytes == 0 ? 0 : 1)
        guard rows > 0 else { return [] }
        var boundaries = Set([0, rows - 1])
        for r in ranges where !r.isEmpty {
            boundaries.insert(r.lowerBound / rowBytes)
            boundaries.insert((r.upperBound - 1) / rowBytes)
        }
        let sorted = boundaries.filter { $0 >= 0 && $0 < rows }.sorted()
        var out: [Line] = []
        for (i, row) in sorted.enumerated() {
            out.append(.row(row))
            guard i + 1 < sorted.count else { break }
            let next = sorted[i + 1], between = next - row - 1
            if between <= maxRepeatedRows {
                for k in stride(from: row + 1, to: next, by: 1) { out.append(.row(k)) }
            } else {
                out.append(.row(row + 1))
                out.append(.elided(first: row + 2, count: between - 2))
                out.append(.row(next - 1))
            }
        }
        return out
    }

    /// One record drawn at vertical offset `top`; returns the SVG elements and the height used.
    /// Each row is as tall as the most members that overlap within it (union members stack in lanes).
    static func draw(_ facts: RecordLayoutFacts, top: Int) -> (String, Int) {
        let r = facts.record
        let size = min(max(r.size, 0), facts.extent)
        let extension_ = facts.extent > size ? [size..<facts.extent] : []
        let shaded = facts.holes + (facts.trailingPadding.map { [$0] } ?? [])
        let lines = lines(facts.ranges.map(\.range) + shaded + extension_, extent: facts.extent)
        let drawn = lines.compactMap { if case .row(let k) = $0 { return k } else { return nil } }   // ascending
        var position: [Int: Int] = [:]   // row → index in `drawn`
        for (i, k) in drawn.enumerated() { position[k] = i }
        /// The drawn rows a range touches, each with the part of the range in it: (row, start, count).
        func pieces(_ range: Range<Int>) -> [(row: Int, start: Int, count: Int)] {
            guard !range.isEmpty else { return [] }
            let firstRow = range.lowerBound / rowBytes, lastRow = (range.upperBound - 1) / rowBytes
            var lo = 0, hi = drawn.count
            while lo < hi { let mid = (lo + hi) / 2; if drawn[mid] < firstRow { lo = mid + 1 } else { hi = mid } }
            var out: [(Int, Int, Int)] = []
            var i = lo
            while i < drawn.count, drawn[i] <= lastRow {
                let k = drawn[i]
                let start = max(range.lowerBound, k * rowBytes), end = min(range.upperBound, k * rowBytes + rowBytes)
                out.append((k, start, end - start))
                i += 1
            }
            return out
        }
        // Lanes per row: the segments of every member in that row, stacked greedily.
        var rowSegments = [[(index: Int, start: Int, count: Int, lane: Int)]](repeating: [], count: drawn.count)
        for (i, (_, range)) in facts.ranges.enumerated() {
            for (row, start, count) in pieces(range) {
                guard let p = position[row] else { continue }
                var lane = 0
                while rowSegments[p].contains(where: { $0.lane == lane && ($0.start..<($0.start + $0.count)).overlaps(start..<(start + count)) }) { lane += 1 }
                rowSegments[p].append((i, start, count, lane))
            }
        }
        let rowLanes = rowSegments.map { max(1, ($0.map(\.lane).max() ?? 0) + 1) }
        var rowTops = [Int](repeating: 0, count: drawn.count)
        var markers: [(y: Int, first: Int, count: Int)] = []
        var y = top + titleHeight
        for line in lines {
            switch line {
            case .row(let k):
                guard let p = position[k] else { continue }
                rowTops[p] = y
                y += rowLanes[p] * laneHeight + rowGap
            case .elided(let first, let count):
                markers.append((y, first, count))
                y += laneHeight + rowGap
            }
        }
        var out = "<g class=\"record\" data-record=\"\(esc(r.name))\">\n"
        out += "<text x=\"4\" y=\"\(top + 20)\" class=\"title\">\(esc(r.cName)): \(r.size) bytes, alignment \(r.alignment)\(facts.extent > size ? " (drawn to \(facts.extent) bytes)" : "")</text>\n"
        for (p, k) in drawn.enumerated() {
            let bytesInRow = min(rowBytes, facts.extent - k * rowBytes)
            out += "<text x=\"4\" y=\"\(rowTops[p] + 15)\" class=\"offset\">\(k * rowBytes)</text>\n"
            out += "<rect class=\"row\" x=\"\(marginLeft)\" y=\"\(rowTops[p])\" width=\"\(bytesInRow * byteWidth)\" height=\"\(rowLanes[p] * laneHeight)\"/>\n"
        }
        for m in markers {
            let from = m.first * rowBytes, to = (m.first + m.count) * rowBytes
            out += "<text x=\"\(marginLeft + 4)\" y=\"\(m.y + 15)\" class=\"elided\" data-elided-from=\"\(from)\" data-elided-to=\"\(to)\">\(esc("⋮ bytes \(from)..<\(to) (\(m.count) rows) as the rows above and below"))</text>\n"
        }
        for hole in shaded {
            for (row, start, count) in pieces(hole) {
                guard let p = position[row] else { continue }
                out += "<rect class=\"hole\" data-hole=\"\(start)\" data-size=\"\(count)\" x=\"\(x(ofByte: start))\" y=\"\(rowTops[p])\" width=\"\(count * byteWidth)\" height=\"\(rowLanes[p] * laneHeight)\"/>\n"
            }
        }
        for ext in extension_ {
            for (row, start, count) in pieces(ext) {
                guard let p = position[row] else { continue }
                out += "<rect class=\"extension\" x=\"\(x(ofByte: start))\" y=\"\(rowTops[p])\" width=\"\(count * byteWidth)\" height=\"\(rowLanes[p] * laneHeight)\"/>\n"
            }
        }
        for p in drawn.indices {
            for seg in rowSegments[p] {
                let field = facts.ranges[seg.index].field
                let color = palette[Int((field.anonymousPath?.first ?? 0).magnitude % UInt(palette.count))]
                let tail = RecordLayoutFacts.isVariableTail(field.type)
                let bx = x(ofByte: seg.start), by = rowTops[p] + seg.lane * laneHeight, w = seg.count * byteWidth
                out += "<rect class=\"field\(tail ? " tail" : "")\" data-field=\"\(esc(field.name))\" data-offset=\"\(field.offset)\" data-size=\"\(field.size)\" x=\"\(bx)\" y=\"\(by)\" width=\"\(w)\" height=\"\(laneHeight)\" fill=\"\(tail ? "url(#hatch)" : color)\"><title>\(esc(field.type.spelling)) \(esc(field.name)) @ \(field.offset), \(field.size) bytes</title></rect>\n"
                let maxChars = max(1, (w - 6) / 7)
                var label = field.name
                if tail && seg.start == field.offset { label += " (\(Int128(facts.extent) - Int128(field.offset)) bytes)" }
                if label.count > maxChars { label = String(label.prefix(max(1, maxChars - 1))) + "…" }
                out += "<text x=\"\(bx + 3)\" y=\"\(by + 15)\" class=\"label\">\(esc(label))</text>\n"
            }
        }
        out += "</g>\n"
        return (out, y - top + 10)
    }

    /// Splits a byte range at row boundaries: (start, count) per row.
    public static func segments(_ range: Range<Int>) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        var b = range.lowerBound
        while b < range.upperBound {
            let end = min(range.upperBound, (b / rowBytes + 1) * rowBytes)
            out.append((b, end - b))
            b = end
        }
        return out
    }

    /// A standalone SVG of the given records (all when nil); `extend` draws records past their size (`io_uring_sqe`: 128).
    public static func render(_ s: ABISnapshot, records names: [String]? = nil, extend: [String: Int] = [:]) -> String {
        let chosen = s.records.filter { r in names.map { $0.contains(r.name) } ?? true }
        var body = ""
        var y = 0
        for r in chosen {
            let (g, h) = draw(RecordLayoutFacts(r, extent: extend[r.name]), top: y)
            body += g
            y += h
        }
        let width = marginLeft + rowBytes * byteWidth + 10
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(max(y, 1))" viewBox="0 0 \(width) \(max(y, 1))" font-family="DejaVu Sans Mono, monospace" font-size="12">
        <defs><pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#fff8e1"/><line x1="0" y1="0" x2="0" y2="8" stroke="#e6a700" stroke-width="3"/></pattern></defs>
        <style>.title{font-weight:bold;font-size:14px}.offset{fill:#666}.row{fill:#fff;stroke:#999}.hole{fill:#bbb}.extension{fill:none;stroke:#e6a700;stroke-dasharray:4 3}.field{stroke:#333;stroke-width:1}.label{fill:#111}.elided{fill:#666;font-style:italic}</style>
        \(body)</svg>

        """
    }
}
