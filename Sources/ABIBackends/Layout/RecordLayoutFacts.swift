import ABIModel

/// Byte-level facts about one record that every layout picture needs: which bytes members cover,
/// holes, trailing padding, and union members stacked in lanes.
public struct RecordLayoutFacts: Sendable {
    /// The record.
    public let record: Record
    /// How many bytes to draw (the record's size, or more for an extended view such as SQE128).
    public let extent: Int
    /// Byte range each field occupies in the picture; zero-length and flexible arrays reach to `extent`.
    public let ranges: [(field: Field, range: Range<Int>)]
    /// Lane of each field (0-based): members that share bytes (union members) get different lanes.
    public let lanes: [Int]
    /// Maximal runs of bytes inside the record that no member covers, before the last covered byte.
    public let holes: [Range<Int>]
    /// Bytes after the last covered byte up to the record's size.
    public let trailingPadding: Range<Int>?

    /// Computes the facts; `extent` defaults to the record's size. Work and memory grow with the number of
    /// fields, not of bytes; any numbers are accepted (a negative size counts as 0, ranges are clipped at 0).
    public init(_ r: Record, extent: Int? = nil) {
        record = r
        let size = min(max(r.size, 0), RecordLayoutFacts.maxExtent)
        let extent = min(max(extent ?? size, size), RecordLayoutFacts.maxExtent)
        self.extent = extent
        var ranges: [(Field, Range<Int>)] = []
        for f in r.fields {
            if RecordLayoutFacts.isVariableTail(f.type) {
                let lo = min(max(f.offset, 0), extent)
                ranges.append((f, lo..<extent))
            } else if f.size > 0 {
                let lo = max(f.offset, 0)
                let (end, overflow) = f.offset.addingReportingOverflow(f.size)
                let hi = overflow ? Int.max : end
                if hi > lo { ranges.append((f, lo..<hi)) }
            }
        }
        self.ranges = ranges
        var laneEnds: [[Range<Int>]] = []
        var lanes: [Int] = []
        for (_, range) in ranges {
            var lane = 0
            while lane < laneEnds.count && laneEnds[lane].contains(where: { $0.overlaps(range) }) { lane += 1 }
            if lane == laneEnds.count { laneEnds.append([]) }
            laneEnds[lane].append(range)
            lanes.append(lane)
        }
        self.lanes = lanes
        // Covered bytes as merged intervals within the record; holes are the gaps before the last covered byte.
        let covered = ranges.filter { !RecordLayoutFacts.isVariableTail($0.0.type) }
            .map { $0.1.clamped(to: 0..<size) }.filter { !$0.isEmpty }
            .sorted { ($0.lowerBound, $0.upperBound) < ($1.lowerBound, $1.upperBound) }
        var holes: [Range<Int>] = []
        var coveredEnd = 0   // one past the last covered byte so far
        for c in covered {
            if c.lowerBound > coveredEnd { holes.append(coveredEnd..<c.lowerBound) }
            coveredEnd = max(coveredEnd, c.upperBound)
        }
        self.holes = holes
        trailingPadding = coveredEnd < size ? coveredEnd..<size : nil
    }

    /// The most bytes a picture covers (2^62): larger sizes and extents are drawn to this many bytes.
    public static let maxExtent = 1 << 62

    /// True for zero-length and flexible arrays (a dimension of 0); unlike ``FieldType/isVariableTail`` it cannot
    /// overflow on absurd dimensions.
    static func isVariableTail(_ t: FieldType) -> Bool {
        t.flexibleArray == true || (t.arrayDimensions?.contains(0) ?? false)
    }

    /// Number of lanes (1 for a record without overlapping members).
    public var laneCount: Int { (lanes.max() ?? 0) + 1 }
}
