import ABIModel
import Foundation

/// A Linux source tree (no configured build needed) from which `struct io_uring_cmd` is read.
public struct KernelTree {
    /// The tree's top directory.
    public let root: String
    /// Header holding `struct io_uring_cmd`, relative to ``root``.
    public let cmdHeaderLabel: String
    /// The uapi header, relative to the tree's `include/uapi`.
    public let uapiHeaderLabel = "linux/io_uring.h"

    /// Checks the tree has the uapi header and a header declaring `struct io_uring_cmd`.
    public init(root: String) throws {
        let fm = FileManager.default
        let root = (root as NSString).standardizingPath
        self.root = root
        let uapi = root + "/include/uapi/linux/io_uring.h"
        let cmd = root + "/include/linux/io_uring/cmd.h"       // Linux 6.3 and later
        let legacy = root + "/include/linux/io_uring.h"        // before 6.3
        var looked = [uapi]
        guard fm.fileExists(atPath: uapi) else {
            throw ToolError("abigen: \(root): not a Linux source tree with io_uring: \(uapi) does not exist")
        }
        if fm.fileExists(atPath: cmd) {
            cmdHeaderLabel = "include/linux/io_uring/cmd.h"
            return
        }
        looked.append(cmd)
        if let text = try? String(contentsOfFile: legacy, encoding: .utf8), text.contains("struct io_uring_cmd {") {
            cmdHeaderLabel = "include/linux/io_uring.h"
            return
        }
        looked.append(legacy)
        throw ToolError("abigen: \(root): no declaration of struct io_uring_cmd (looked at \(looked.dropFirst().joined(separator: " and ")))")
    }

    /// Whether `path` is laid out as a Linux source tree (it has `include/uapi/linux`); it may still lack io_uring.
    public static func looksLikeTree(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path + "/include/uapi/linux")
    }

    /// Include directories: the stand-ins first, then the tree's uapi headers, then the tree itself
    /// (so the internal header is `include/linux/...`, never confused with the uapi one).
    public func includeDirectories() -> [HeaderSource.Directory] {
        [.init(path: "kernel", role: .standIn), .init(path: root + "/include/uapi", role: .kernelTree), .init(path: root, role: .kernelTree)]
    }

    /// `VERSION.PATCHLEVEL.SUBLEVEL` from the tree's Makefile, when it has them.
    public var version: String? {
        guard let text = try? String(contentsOfFile: root + "/Makefile", encoding: .utf8) else { return nil }
        var parts: [String: String] = [:]
        for line in text.split(separator: "\n").prefix(12) {
            let kv = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, ["VERSION", "PATCHLEVEL", "SUBLEVEL"].contains(kv[0]), kv[1].allSatisfy(\.isNumber), !kv[1].isEmpty {
                parts[kv[0]] = kv[1]
            }
        }
        guard let v = parts["VERSION"], let p = parts["PATCHLEVEL"] else { return nil }
        return [v, p, parts["SUBLEVEL"]].compactMap { $0 }.joined(separator: ".")
    }
}
