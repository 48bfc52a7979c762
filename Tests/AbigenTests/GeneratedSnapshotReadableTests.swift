import Foundation
import Testing

@Suite("Generate never writes a snapshot its own reader refuses (second outside review)")
struct GeneratedSnapshotReadableTests {
    @Test("headers abigen cannot represent: one line naming the header, exit 2, no output file", arguments: [
        ("huge.h", "struct a { char x[1UL << 40]; };\n", "size 1099511627776 is absurd"),
        ("aligned.h", "struct s { int x; } __attribute__((aligned(131072)));\n", "alignment 131072 is not a power of two from 1 to 2^16"),
        ("bidi\u{202E}.h", "struct b { int x; };\n", "contains control character U+202E"),
    ])
    func refused(header: String, text: String, fragment: String) throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try text.write(toFile: dir + "/" + header, atomically: true, encoding: .utf8)
        let out = dir + "/out.json"
        let r = try abigen(["--headers", dir, "--header", header, "--preset", "none", "--format", "json", "-o", out])
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains(fragment), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!r.stderr.unicodeScalars.contains("\u{202E}"), "the name is shown escaped")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
