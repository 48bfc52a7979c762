import ABIModel
#if !SWIFT_PACKAGE
import Foundation
#endif

// The support declarations (`ABIField`, `ABILayout`): the file Support/ABISupport.swift, embedded in the binary at
// build time (SwiftPM's `embedInCode`), so the tool needs no resource bundle at run time.
extension SwiftEmitter {
    #if SWIFT_PACKAGE
    /// The support template as it is stored in the package: a Swift file that type-checks alone.
    static let supportTemplate = String(decoding: PackageResources.ABISupport_swift, as: UTF8.self)
    #else
    /// Built without SwiftPM (Scripts/fuzz.sh compiles the module with swiftc, which embeds no resources): the
    /// template is read from the checkout, next to this file.
    static let supportTemplate = (try? String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
                                                  + "/Support/ABISupport.swift", encoding: .utf8)) ?? ""
    #endif

    /// The template as a generated file carries it: lines starting with `// abigen:` left out, the big-endian block
    /// kept only when `bigEndian`, and a `public ` that starts a line (after its indentation) replaced by `access`.
    static func supportDeclarations(access: String, bigEndian: Bool) -> String {
        // Byte by byte: the template is ASCII with LF line ends (SwiftEmitterFastPathTests checks), where bytes and
        // Characters agree.
        let template = Array(supportTemplate.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(template.count)
        var inBigEndianBlock = false
        var start = 0
        while start < template.count {
            let end = template[start...].firstIndex(of: UInt8(ascii: "\n")) ?? template.count
            let line = template[start..<end]
            start = end + 1
            if line.starts(with: "// abigen:".utf8) {
                if line.starts(with: "// abigen: big-endian targets only".utf8) { inBigEndianBlock = true }
                if line.starts(with: "// abigen: end of big-endian targets only".utf8) { inBigEndianBlock = false }
                continue
            }
            if inBigEndianBlock && !bigEndian { continue }
            let indentation = line.prefix { $0 == UInt8(ascii: " ") }.count
            let rest = line.dropFirst(indentation)
            if rest.starts(with: "public ".utf8) {
                out += line.prefix(indentation)
                out += access.utf8
                out += rest.dropFirst("public ".utf8.count)
            } else {
                out += line
            }
            out.append(UInt8(ascii: "\n"))
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func renderSupport() {
        out += Self.supportDeclarations(access: access, bigEndian: bigEndian)
    }
}
