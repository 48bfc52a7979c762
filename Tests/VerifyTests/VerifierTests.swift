import ABIBackends
import ABIModel
import Foundation
import Testing

/// The verifier against a model written by hand from the C layout rules (Models.swift), for four targets.
@Suite("Verifier on a hand-written model")
struct VerifierTests {
    static let targets: [(String, LayoutsModel.ABI)] = [
        ("x86_64-linux-gnu", .lp64), ("aarch64-linux-gnu", .lp64), ("i686-linux-gnu", .i386), ("arm-linux-gnueabihf", .arm),
    ]

    func verify(_ s: ABISnapshot, target: String) throws -> VerificationReport {
        try Verifier.verify(s, options: VerifyOptions(compiler: "clang", target: target, includeDirectories: [Paths.fixtures],
                                                      extraFlags: ["-ffreestanding"]))
    }

    @Test("the hand-written model agrees with clang on every target", arguments: targets)
    func agrees(_ target: String, _ abi: LayoutsModel.ABI) throws {
        let report = try verify(LayoutsModel.snapshot(abi, target: target), target: target)
        #expect(report.mismatches.map(\.description) == [])
        #expect(report.recordsChecked == 9 && report.constantsChecked == 10)
    }

    @Test("a wrong model is caught: moved field, record size, renumbered constant, signedness, bitfield")
    func lies() throws {
        var s = LayoutsModel.snapshot()
        let cmd = LayoutsModel.recordIndex(s, "vt_command")
        s.records[cmd].fields[LayoutsModel.fieldIndex(s, "vt_command", "user_data")].offset += 8
        s.records[LayoutsModel.recordIndex(s, "vt_flex")].size = 8
        s.constants[LayoutsModel.constantIndex(s, "VT_MODE_AUTO")].value = .unsigned(6)
        s.constants[LayoutsModel.constantIndex(s, "VT_NEG")].signed = false
        let bits = LayoutsModel.recordIndex(s, "vt_bits")
        let firstBitfield = try #require(s.records[bits].fields.firstIndex { $0.bitWidth != nil })
        s.records[bits].fields[firstBitfield].bitOffset! += 1
        let report = try verify(s, target: "x86_64-linux-gnu")
        let lines = report.mismatches.map(\.description)
        #expect(lines.contains { $0.contains("vt_command.user_data") && $0.contains("offset") })
        #expect(lines.contains { $0.contains("vt_flex") && $0.contains("size: snapshot 8") })
        #expect(lines.contains { $0.contains("VT_MODE_AUTO") && $0.contains("snapshot 6") })
        #expect(lines.contains { $0.contains("VT_NEG") })
        #expect(lines.contains { $0.contains("vt_bits") && $0.contains("bitOffset") })
        #expect(report.mismatches.count == 5, "\(lines)")
    }

    @Test("a probe that cannot compile reports the compiler's first error")
    func broken() throws {
        var s = LayoutsModel.snapshot()
        s.headers = ["broken.h"]
        #expect {
            _ = try verify(s, target: "x86_64-linux-gnu")
        } throws: { error in
            guard case VerifyError.compileFailed(let first, _) = error else { return false }
            return first.contains("broken.h") && first.contains("error")
        }
    }
}
