import CClang
import CClangLoader
import Foundation

// The Swift wrapper over libclang's C API: the files of this folder (Clang/) are the only ones in
// ABIFrontend that name a `CX…` type or constant or call a `clang_…` function. Every CXString is
// disposed here; the rest of the module sees ``TranslationUnit``, ``Cursor``, ``ClangType``,
// ``SourceFile`` and Swift enums of the kinds it needs (``CursorKind``, ``ClangTypeKind``).
// libclang is not linked: Sources/CClangLoader defines each clang_ function called here (a new one must be
// added to its functions.h) and loads the library on first use, through ``LibClang/load()``.

/// Converts and disposes a libclang string.
func take(_ s: CXString) -> String {
    defer { clang_disposeString(s) }
    guard let c = clang_getCString(s) else { return "" }
    return String(cString: c)
}

/// The libclang abigen loads on first use, and its identification.
public enum LibClang {
    /// Loads libclang (once per process; later calls repeat the first outcome). A failure names the library
    /// and the loader's reason; ``TranslationUnit`` calls this before anything else touches libclang.
    public static func load() throws {
        var reason = [CChar](repeating: 0, count: 1024)
        guard abigen_clang_load(&reason, reason.count) != 0 else { return }
        let library = String(cString: abigen_clang_library())
        var text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix(library + ": ") { text.removeFirst(library.count + 2) }   // dlerror's text names the file first
        throw FrontendError(file: displayName(library), message: "cannot load libclang: \(displayName(text))")
    }

    /// Starts loading libclang on a background thread, for a command that will parse: a failure is kept, and
    /// reported by the next ``load()``. Call it once, early in the process.
    public static func preload() {
        abigen_clang_preload()
    }

    /// libclang's own version string (`Debian clang version 14.0.6`); what went wrong when it cannot be loaded.
    public static var version: String {
        do { try load() } catch { return "not loaded (\(error))" }
        return take(clang_getClangVersion())
    }

    /// The file the dynamic loader actually loaded libclang from (read from /proc/self/maps).
    public static var loadedPath: String {
        guard (try? load()) != nil,
              let data = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile(),
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
