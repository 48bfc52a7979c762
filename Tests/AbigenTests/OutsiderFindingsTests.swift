import ABIModel
import Foundation
import Testing

/// Defects found by an outside review (hostile inputs and misuse), one test each.
@Suite struct OutsiderFindingsTests {
    /// `--target` with a space or a newline was handed to clang, which accepted it, and written into the snapshot,
    /// which abigen's own validator then refused to read back. It must be refused up front, with no output file.
    @Test(arguments: ["x86_64-linux-gnu -DX=1", "x86_64-linux-gnu\nevil"])
    func targetThatIsNotATripleIsRefused(_ target: String) throws {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/abi.json"
        let r = try runAbigen(["--headers", "/usr/include", "--target", target, "--format", "json", "-o", out])
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("--target"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let v = try runAbigen(["verify", "--headers", "/usr/include", "--target", target])
        #expect(v.status == 2)
        #expect(v.stderr.split(separator: "\n").count == 1)
    }
}
