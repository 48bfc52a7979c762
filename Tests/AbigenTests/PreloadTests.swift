@testable import AbigenCLI
import Foundation
import Testing

/// A command line that parses headers starts loading libclang on a thread of its own at process start, so the
/// dlopen overlaps Swift's start-up and the argument parsing; every other command line never loads it.
@Suite struct PreloadTests {
    /// A shared library (not libclang) whose constructor creates the file named by $ABIGEN_TEST_MARKER: the file
    /// exists exactly when the process loaded the library.
    static func markerLibrary(in dir: String) throws -> String {
        try LazyClangTests.sharedLibrary("""
            #include <fcntl.h>
            #include <stdlib.h>
            #include <unistd.h>
            __attribute__((constructor)) static void loaded(void) {
                const char *path = getenv("ABIGEN_TEST_MARKER");
                if (path == NULL) return;
                int fd = open(path, O_WRONLY | O_CREAT, 0600);
                if (fd >= 0) close(fd);
            }
            """, in: dir, name: "marker")
    }

    /// Runs abigen with the marker library as its libclang; whether the run loaded it.
    static func run(_ arguments: [String], library: String, dir: String) throws -> (result: ProcessResult, loaded: Bool) {
        let marker = dir + "/loaded"
        try? FileManager.default.removeItem(atPath: marker)
        let r = try runAbigen(arguments, environment: ["ABIGEN_LIBCLANG": library, "ABIGEN_TEST_MARKER": marker])
        return (r, FileManager.default.fileExists(atPath: marker))
    }

    @Test("a header run whose arguments are refused: libclang was loaded meanwhile, silently; the one line is the argument error")
    func preloadIsSilent() throws {
        let dir = try LazyClangTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let library = try Self.markerLibrary(in: dir)
        let out = dir + "/out.swift"
        // The library loads but has no clang_ functions: the preload fails, and must say nothing.
        let (r, loaded) = try Self.run(["--headers", dir, "--header", "t.h", "--preset", "none", "--format", "nosuch", "-o", out],
                                       library: library, dir: dir)
        LazyClangTests.expectOneLine(r, ["nosuch"], "refused --format")
        #expect(!r.stderr.contains("libclang"), "the preload's failure is not reported: \(r.stderr)")
        #expect(loaded, "the header run loaded the library before its arguments were checked")
        #expect(!FileManager.default.fileExists(atPath: out), "no output file")
    }

    @Test("a header run with a library that is not libclang: the load failure once, one line, exit 2, after the preload")
    func preloadFailureReportedOnce() throws {
        let dir = try LazyClangTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let library = try Self.markerLibrary(in: dir)
        for command in [[String](), ["verify"]] {
            let (r, loaded) = try Self.run(command + ["--headers", dir, "--header", "t.h", "--preset", "none"], library: library, dir: dir)
            LazyClangTests.expectOneLine(r, [library, "cannot load libclang", "undefined symbol: clang_"], "\(command)")
            #expect(loaded, "\(command): loaded")
        }
    }

    @Test("command lines that read no header never load libclang, not even while their arguments are parsed")
    func noPreload() throws {
        let dir = try LazyClangTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let library = try Self.markerLibrary(in: dir)
        let json = dir + "/t.json", header = ["--headers", dir, "--header", "t.h", "--preset", "none"]
        var lines: [[String]] = [
            ["--help"], ["-h"], ["help"], ["help", "generate"], ["generate", "--help"], ["verify", "-h"], header + ["--help"],
            ["diff", json, json], ["--snapshot", json], ["--snapshot=" + json], ["verify", "--snapshot", json],
            ["check", "--baseline", json, "--snapshot", json], ["targets"], header + ["--snapshot", json],
        ]
        if FileManager.default.isReadableFile(atPath: LazyClangTests.vmlinux) {
            lines.append(["--btf", LazyClangTests.vmlinux, "--record", "io_uring_cmd", "--format", "json"])
        }
        for arguments in lines {
            let (r, loaded) = try Self.run(arguments, library: library, dir: dir)
            #expect(!loaded, "\(arguments) loaded libclang (status \(r.status), \(r.stderr))")
            #expect(!r.stderr.contains("cannot load libclang"), "\(arguments): \(r.stderr)")
        }
    }

    @Test("which command lines preload, decided from the words alone")
    func decision() {
        let yes: [[String]] = [
            [], ["--headers", "/usr/include"], ["generate", "--headers", "/usr/include", "-o", "/tmp/x.swift"],
            ["verify", "--headers", "/usr/include"], ["--header", "linux/*.h", "--preset", "none", "--format", "json"],
            ["--headers", "/tmp/h.d", "-o", "/tmp/hh.swift"],
        ]
        let no: [[String]] = [
            ["--help"], ["-h"], ["-fh"], ["help"], ["generate", "help"], ["--version"], ["--snapshot", "a.json"], ["--snapshot=a.json"],
            ["--btf", "/sys/kernel/btf/vmlinux"], ["--btf=vmlinux"], ["verify", "--snapshot", "a.json"], ["diff", "a", "b"],
            ["check", "--baseline", "a.json", "--headers", "/usr/include"], ["targets"], ["matrix"], ["config", "abigen.json"],
            ["--headers", "/usr/include", "--"], ["--generate-completion-script", "bash"], ["--experimental-dump-help"],
            ["/usr/include"],
        ]
        for arguments in yes { #expect(AbigenCommand.parsesHeaders(arguments), "\(arguments)") }
        for arguments in no { #expect(!AbigenCommand.parsesHeaders(arguments), "\(arguments)") }
    }
}
