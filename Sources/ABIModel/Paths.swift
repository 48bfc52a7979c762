import Foundation

/// Shell-style glob match (`*`, `?`, `[…]`, `\` escapes) with fnmatch(3), flags 0: `*` also matches `/`.
/// A pattern or text holding a NUL byte (which neither a file name nor a C identifier can) matches nothing.
/// Record filters, header wildcards and suppression rules all match with it.
public func globMatch(_ pattern: String, _ text: String) -> Bool {
    guard !pattern.utf8.contains(0), !text.utf8.contains(0) else { return false }
    return fnmatch(pattern, text, 0) == 0
}

/// The path with symbolic links and `..` resolved (realpath(3)), so files can be compared; the path as given
/// when it cannot be resolved (it does not exist).
public func realPath(_ path: String) -> String {
    guard !path.utf8.contains(0), let r = realpath(path, nil) else { return path }
    defer { free(r) }
    return String(cString: r)
}
