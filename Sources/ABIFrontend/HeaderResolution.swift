import ABIModel
import Foundation

extension Frontend {
    /// Checks the options and resolves each selected header to a real path, as the compiler's search would;
    /// a problem is thrown naming what the user typed.
    static func resolveHeaders(_ options: ParseOptions) throws -> [(label: String, path: String)] {
        do { _ = try options.source.resolvedDirectories(builtin: options.builtinDirectory) } catch {
            throw FrontendError(file: "<abigen Headers/>", message: error.message)
        }
        for dir in options.includeDirectories {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw FrontendError(file: displayName(dir), message: "include directory does not exist")
            }
        }
        guard !options.headers.isEmpty else { throw FrontendError(file: "<command line>", message: "no header selected") }
        if let target = options.target, !options.acceptLayoutsToCorrect, let why = LayoutPolicy.refusal(target: target) {
            throw FrontendError(file: "--target \(displayName(target))", message: why)
        }
        if let target = options.target {
            do { _ = try TranslationUnit(path: mainName, contents: "", arguments: ["-x", "c", "-target", target], detailedPreprocessing: false) }
            catch let e as FrontendError { throw e }   // libclang could not be loaded
            catch { throw FrontendError(file: "--target \(displayName(target))", message: "clang does not know this target triple") }
        }
        let searchList = options.includeDirectories + SearchPath.systemDirectories(target: options.target)
        var resolved: [(label: String, path: String)] = []
        for header in options.headers {
            let shown = displayName(header)
            if header.isEmpty { throw FrontendError(file: "--header ''", message: "empty header name") }
            if let bad = header.first(where: { $0 == "\"" || $0.isNewline || ($0.asciiValue.map { $0 < 0x20 || $0 == 0x7f } ?? false) }) {
                throw FrontendError(file: shown, message: "header name contains \(bad == "\"" ? "a double quote" : "a control character"), which an #include line cannot name")
            }
            var candidates: [String]
            if header.hasPrefix("/") {
                candidates = [header]
            } else {
                candidates = searchList.map { ($0 as NSString).appendingPathComponent(header) }
            }
            func isDirectory(_ path: String) -> Bool {
                var isDir: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
            }
            guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) && !isDirectory($0) }) else {
                if let dir = candidates.first(where: isDirectory) {
                    throw FrontendError(file: shown, message: "is a directory (\(displayName(dir))), not a header; a wildcard like '\(shown)/*.h' selects the headers in it")
                }
                let dirs = searchList.isEmpty ? "no include directory given" : "looked in " + searchList.map(displayName).joined(separator: ", ")
                throw FrontendError(file: shown, message: "header not found (\(dirs))")
            }
            guard HeaderLookup.isRegularFile(found) else { throw FrontendError(file: displayName(found), message: "not a regular file") }
            let real = realPath(found)
            if real.contains(where: { $0 == "\"" || $0.isNewline }) {
                throw FrontendError(file: shown, message: "the header's path (\(displayName(real))) contains a double quote or a line break, which an #include line cannot name")
            }
            resolved.append((header, real))
        }
        for prelude in options.preludeHeaders where prelude.contains(where: { $0 == ">" || $0.isNewline || $0 == "\"" }) || prelude.isEmpty {
            throw FrontendError(file: "--include \(displayName(prelude))", message: "a header name for #include <...> cannot be empty or contain '>', '\"' or a line break")
        }
        for prelude in options.preludeHeaders {
            if let found = HeaderLookup.firstMatch(prelude, in: searchList), !HeaderLookup.isRegularFile(found) {
                throw FrontendError(file: displayName(found), message: "not a regular file")
            }
        }
        return resolved
    }
}


/// How the compiler's search finds a header: the first directory holding something that is not a directory.
public enum HeaderLookup {
    /// Whether `path` (symbolic links followed) is a regular file; a device, FIFO or socket is never read as a header.
    public static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        return (st.st_mode & S_IFMT) == S_IFREG
    }

    /// The first `dir/header` (or `header` itself when absolute) that exists and is not a directory.
    public static func firstMatch(_ header: String, in directories: [String]) -> String? {
        let candidates = header.hasPrefix("/") ? [header] : directories.map { ($0 as NSString).appendingPathComponent(header) }
        return candidates.first { path in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && !isDir.boolValue
        }
    }
}
