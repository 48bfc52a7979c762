import Testing

/// A readable account of how generated text differs from a checked-in reference (golden file, the IoUring library's
/// layouts, Documentation/CLI.md): where the differing lines are and the first of them on each side.
enum ReferenceDiff {
    /// nil when `actual == expected`; otherwise the line range that differs (after the common first and last lines)
    /// and up to `shown` lines of it from each side, numbered from `firstLine` (the line the texts start on in the
    /// reference file).
    static func describe(expected: String, actual: String, shown: Int = 6, firstLine: Int = 1) -> String? {
        guard actual != expected else { return nil }
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var prefix = 0
        while prefix < e.count && prefix < a.count && e[prefix] == a[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < e.count - prefix && suffix < a.count - prefix && e[e.count - 1 - suffix] == a[a.count - 1 - suffix] { suffix += 1 }
        let eEnd = e.count - suffix, aEnd = a.count - suffix
        let base = firstLine - 1
        func range(_ end: Int) -> String { end > prefix ? "lines \(base + prefix + 1)...\(base + end)" : "no lines (before line \(base + prefix + 1))" }
        var out = "first difference at line \(base + prefix + 1): expected \(range(eEnd)), actual \(range(aEnd))"
        out += " (expected \(e.count) lines, actual \(a.count))\n"
        for i in prefix..<min(eEnd, prefix + shown) { out += "  expected \(base + i + 1): \(e[i])\n" }
        if eEnd - prefix > shown { out += "  expected …: \(eEnd - prefix - shown) more\n" }
        for i in prefix..<min(aEnd, prefix + shown) { out += "  actual   \(base + i + 1): \(a[i])\n" }
        if aEnd - prefix > shown { out += "  actual   …: \(aEnd - prefix - shown) more\n" }
        if eEnd == prefix && aEnd == prefix { out += "  (the texts differ in a way lines do not show: Unicode normalization)\n" }
        return out
    }

    /// The fenced block following `heading` in a Markdown document (the help text Documentation/CLI.md holds for one
    /// command) and the line it starts on; nil when there is none.
    static func fencedBlock(after heading: String, in doc: String) -> (text: String, line: Int)? {
        guard let h = doc.range(of: heading + "\n\n```\n") else { return nil }
        guard let end = doc.range(of: "```\n", range: h.upperBound..<doc.endIndex) else { return nil }
        return (String(doc[h.upperBound..<end.lowerBound]), doc[..<h.upperBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 })
    }
}

@Suite("Reference tests' failure messages")
struct ReferenceDiffTests {
    @Test("equal texts: no message; a changed line: its number and both versions")
    func changedLine() throws {
        #expect(ReferenceDiff.describe(expected: "a\nb\nc\n", actual: "a\nb\nc\n") == nil)
        let message = try #require(ReferenceDiff.describe(expected: "a\nb\nc\nd\n", actual: "a\nB\nc\nd\n"))
        #expect(message == """
            first difference at line 2: expected lines 2...2, actual lines 2...2 (expected 5 lines, actual 5)
              expected 2: b
              actual   2: B

            """)
    }

    @Test("an inserted and a removed line; a long difference is cut to the first lines")
    func insertedRemoved() throws {
        let inserted = try #require(ReferenceDiff.describe(expected: "a\nc\n", actual: "a\nb\nc\n"))
        #expect(inserted.hasPrefix("first difference at line 2: expected no lines (before line 2), actual lines 2...2 (expected 3 lines, actual 4)\n"))
        #expect(inserted.hasSuffix("  actual   2: b\n"))
        let removed = try #require(ReferenceDiff.describe(expected: "a\nb\nc", actual: "a\nc"))
        #expect(removed.contains("  expected 2: b\n") && !removed.contains("actual   2"))
        let long = try #require(ReferenceDiff.describe(expected: (1...100).map(String.init).joined(separator: "\n"),
                                                       actual: (1...100).map { "x\($0)" }.joined(separator: "\n"), shown: 3))
        #expect(long.contains("  expected 3: 3\n  expected …: 97 more\n  actual   1: x1\n"))
        #expect(!long.contains("expected 4:"))
    }

    @Test("the help block of one command is found in the CLI reference")
    func fencedBlock() {
        let doc = "# CLI\n\n## abigen diff\n\n```\nUSAGE: abigen diff\n```\n\n## abigen check\n\n```\nUSAGE: abigen check\n```\n"
        let block = ReferenceDiff.fencedBlock(after: "## abigen check", in: doc)
        #expect(block?.text == "USAGE: abigen check\n")
        #expect(block?.line == 12)
        #expect(ReferenceDiff.fencedBlock(after: "## abigen verify", in: doc) == nil)
        // Numbered as lines of the document.
        let message = ReferenceDiff.describe(expected: "USAGE: abigen check\n", actual: "USAGE: abigen check [options]\n", firstLine: 12)
        #expect(message?.contains("  expected 12: USAGE: abigen check\n  actual   12: USAGE: abigen check [options]\n") == true)
    }
}
