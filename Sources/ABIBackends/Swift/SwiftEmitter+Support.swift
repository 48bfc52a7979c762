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
        var out = ""
        out.reserveCapacity(supportTemplate.utf8.count)
        var inBigEndianBlock = false
        var lines = supportTemplate.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for line in lines {
            if line.hasPrefix("// abigen:") {
                if line.hasPrefix("// abigen: big-endian targets only") { inBigEndianBlock = true }
                if line.hasPrefix("// abigen: end of big-endian targets only") { inBigEndianBlock = false }
                continue
            }
            if inBigEndianBlock && !bigEndian { continue }
            let indentation = line.prefix { $0 == " " }
            let rest = line.dropFirst(indentation.count)
            if rest.hasPrefix("public ") {
                out += indentation
                out += access
                out += rest.dropFirst("public ".count)
            } else {
                out += line
            }
            out += "\n"
        }
        return out
    }

    mutating func renderSupport() {
        out += Self.supportDeclarations(access: access, bigEndian: LinuxTarget.isBigEndian(snapshot.target))
    }
}
