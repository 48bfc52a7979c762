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

    /// Include directories: the stand-ins first, then the tree's uapi headers, then the tree itself
    /// (so the internal header is `include/linux/...`, never confused with the uapi one).
    public func includeDirectories(standIns: String) -> [String] {
        [standIns + "/kernel", root + "/include/uapi", root]
    }

    /// Extra clang arguments for kernel headers.
    public func clangArguments(standIns: String) -> [String] { [] }
}
