import Glibc

/// Shell-style glob match (`*`, `?`, `[…]`, `\` escapes) with fnmatch(3), flags 0: `*` also matches `/`.
/// A pattern or text holding a NUL byte (which neither a file name nor a C identifier can) matches nothing.
public func globMatch(_ pattern: String, _ text: String) -> Bool {
    guard !pattern.utf8.contains(0), !text.utf8.contains(0) else { return false }
    return fnmatch(pattern, text, 0) == 0
}
