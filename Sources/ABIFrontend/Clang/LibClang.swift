import CClang
import Foundation

// The Swift wrapper over libclang's C API: the files of this folder (Clang/) are the only ones in
// ABIFrontend that name a `CX…` type or constant or call a `clang_…` function. Every CXString is
// disposed here; the rest of the module sees ``TranslationUnit``, ``Cursor``, ``ClangType``,
// ``SourceFile`` and Swift enums of the kinds it needs (``CursorKind``, ``ClangTypeKind``).

/// Converts and disposes a libclang string.
func take(_ s: CXString) -> String {
    defer { clang_disposeString(s) }
    guard let c = clang_getCString(s) else { return "" }
    return String(cString: c)
}

/// Identification of the libclang that is linked and loaded.
public enum LibClang {
    /// libclang's own version string (`Debian clang version 14.0.6`).
    public static var version: String { take(clang_getClangVersion()) }
    /// The file the dynamic loader actually loaded libclang from (read from /proc/self/maps).
    public static var loadedPath: String {
        _ = clang_getClangVersion   // make sure the library is referenced
        guard let data = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile(),
              let maps = String(data: data, encoding: .utf8) else { return "unknown" }
        for line in maps.split(separator: "\n") {
            guard let path = line.split(separator: " ", omittingEmptySubsequences: true).last, path.hasPrefix("/") else { continue }
            let file = (String(path) as NSString).lastPathComponent
            if file.hasPrefix("libclang") && file.contains(".so") && !file.hasPrefix("libclang-cpp") { return String(path) }
        }
        return "unknown"
    }
}

/// A file of a translation unit, as libclang identifies it: cheap to compare and hash, valid only while
/// its unit lives.
struct SourceFile: Hashable {
    let raw: CXFile

    /// The file's name as the unit spelled it.
    var name: String { take(clang_getFileName(raw)) }
}
