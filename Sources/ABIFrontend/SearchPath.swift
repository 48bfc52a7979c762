import ABIModel
import Foundation

/// The system header directories a C compiler for a Linux target searches after `-I` directories.
public enum SearchPath {
    /// Debian's multiarch tuple for a target triple (`x86_64-linux-gnu`, `i386-linux-gnu`,
    /// `arm-linux-gnueabihf`); nil for a target that is not Linux.
    public static func multiarch(_ triple: String) -> String? {
        let parts = triple.split(separator: "-").map(String.init)
        guard let arch = parts.first, triple.contains("linux") else { return nil }
        let env = parts.count > 2 && parts.last?.hasPrefix("gnu") == true ? parts.last ?? "gnu" : "gnu"
        switch arch {
        case "i386", "i486", "i586", "i686": return "i386-linux-\(env)"
        case "arm64": return "aarch64-linux-\(env)"
        default:
            if arch.hasPrefix("arm") || arch.hasPrefix("thumb") { return "arm-linux-\(env)" }
            return "\(arch)-linux-\(env)"
        }
    }

    /// The directory name of Debian's cross-compiler headers for a target (`/usr/NAME/include`).
    static func crossName(_ triple: String) -> String? {
        guard let m = multiarch(triple) else { return nil }
        return m.hasPrefix("i386-") ? "i686-" + m.dropFirst("i386-".count) : m
    }

    /// The triple of the machine abigen runs on.
    public static var hostTriple: String {
        #if arch(x86_64)
        return "x86_64-linux-gnu"
        #elseif arch(arm64)
        return "aarch64-linux-gnu"
        #elseif arch(i386)
        return "i686-linux-gnu"
        #elseif arch(arm)
        return "arm-linux-gnueabihf"
        #else
        return ""
        #endif
    }

    /// Headers of the target's architecture that a cross compiler (or the host's multiarch layout)
    /// puts on the search path: `/usr/<cross>/include` for a foreign target, then
    /// `/usr/include/<multiarch>`; only directories that exist.
    public static func targetDirectories(target: String?) -> [String] {
        let triple = target ?? hostTriple
        guard let m = multiarch(triple) else { return [] }
        var dirs: [String] = []
        if m != multiarch(hostTriple), let cross = crossName(triple) { dirs.append("/usr/\(cross)/include") }
        dirs.append("/usr/include/\(m)")
        return dirs.filter(isDirectory)
    }

    /// The system search list for a target, in the compiler's order: `/usr/local/include`, the
    /// target's directories (``targetDirectories(target:)``), `/usr/include`.
    public static func systemDirectories(target: String?) -> [String] {
        guard multiarch(target ?? hostTriple) != nil else { return [] }
        return (["/usr/local/include"] + targetDirectories(target: target) + ["/usr/include"]).filter(isDirectory)
    }

    /// The source with the target's own directories (``targetDirectories(target:)``) appended as
    /// ``HeaderSource/Role/target``, searched after the system ones. A directory the source already has
    /// is not repeated: the compiler would demote it to a system directory, which changes which file an
    /// `#include` names and hides the selected headers' declarations.
    public static func addingTargetDirectories(to source: HeaderSource, builtin: String?) -> HeaderSource {
        var out = source
        out.includeDirectories.removeAll { $0.role == .target }
        let given = Set(((try? source.resolvedDirectories(builtin: builtin)) ?? []).map { realPath($0.path) })
        for dir in targetDirectories(target: source.target) where !given.contains(realPath(dir)) {
            out.includeDirectories.append(HeaderSource.Directory(path: dir, role: .target))
        }
        return out
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}

/// A user-supplied name made printable on one line: control characters become escapes (`\n`).
func displayName(_ s: String) -> String {
    var out = ""
    for u in s.unicodeScalars {
        switch u {
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if SnapshotText.isForbidden(u) { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
        }
    }
    return out
}
