import ABIBackends
import ABIModel
import Foundation
import Testing

/// Headers that name a member through a macro (`#define m_data m_u.base.m_data`): the probe must `#undef` such
/// macros, since the model names members by their real path. The oracle is a hand-written model of a header
/// written here (numbers from the C layout rules), checked by clang.
@Suite("Verifier on members named by macros")
struct MemberMacroTests {
    static let header = """
        struct vm_msg {
        \tunsigned char vm_kind;
        \tunion {
        \t\tstruct { unsigned char vm_tag; unsigned short vm_data; } base;
        \t\tunsigned int vm_raw;
        \t} vm_u;
        };
        #define vm_data vm_u.base.vm_data
        #define vm_tag vm_u.base.vm_tag

        """

    /// The model: the union is 4-aligned, so it starts at 4; `vm_data` is 2-aligned after the 1-byte tag.
    static func snapshot(skipped: [String]) -> ABISnapshot {
        let msg = Record(
            name: "vm_msg", cName: "struct vm_msg", kind: .struct, size: 8, alignment: 4, header: "vm.h",
            fields: [
                Field(name: "vm_kind", offset: 0, size: 1, type: T.u8),
                Field(name: "vm_u.base.vm_tag", offset: 4, size: 1, type: T.u8),
                Field(name: "vm_u.base.vm_data", offset: 6, size: 2, type: T.u16),
                Field(name: "vm_u.vm_raw", offset: 4, size: 4, type: T.u32),
            ])
        return ABISnapshot(target: "x86_64-linux-gnu", headers: ["vm.h"], includeDirectories: [], records: [msg],
                           constants: [],
                           skippedMacros: skipped.map { SkippedMacro(name: $0, definition: "vm_u.base.\($0)", reason: "not an integer") })
    }

    func verify(_ s: ABISnapshot) throws -> VerificationReport {
        let dir = NSTemporaryDirectory() + "abigen-vm-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.header.write(toFile: dir + "/vm.h", atomically: true, encoding: .utf8)
        return try Verifier.verify(s, options: VerifyOptions(compiler: "clang", target: "x86_64-linux-gnu",
                                                             includeDirectories: [dir], extraFlags: ["-ffreestanding"]))
    }

    @Test("member-name macros the snapshot lists are undefined in the probe: every number agrees")
    func agrees() throws {
        let report = try verify(Self.snapshot(skipped: ["vm_data", "vm_tag"]))
        #expect(report.mismatches.map(\.description) == [])
        #expect(report.fieldsChecked == 4)
    }

    @Test("without the macros listed, the members they rename do not compile in the probe")
    func expands() throws {
        let report = try verify(Self.snapshot(skipped: []))
        #expect(report.mismatches.map { "\($0.field ?? "") \($0.property)" }.sorted()
                == ["vm_u.base.vm_data compiles", "vm_u.base.vm_tag compiles"], "\(report.mismatchLines)")
    }
}
