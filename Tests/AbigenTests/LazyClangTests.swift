import ABIFrontend
import ABIModel
import Foundation
import Synchronization
import Testing

/// libclang is loaded on first use (Sources/CClangLoader), not at process start: the executable does not
/// link it, commands that read no header run without it, and a libclang that cannot be loaded is one line, exit 2.
@Suite struct LazyClangTests {
    static let vmlinux = "/sys/kernel/btf/vmlinux"
    /// A library path that cannot exist.
    static let missing = "/nonexistent-abigen-test/libclang.so"

    /// A scratch directory with `t.h` (one struct) and its snapshot `t.json`, made with the real libclang.
    static func scratch() throws -> String {
        let dir = try Repo.tempDirectory()
        try "struct lazy_pair { int a; long b; };\n".write(toFile: dir + "/t.h", atomically: true, encoding: .utf8)
        let r = try runAbigen(["--headers", dir, "--header", "t.h", "--preset", "none", "--format", "json", "-o", dir + "/t.json"])
        try #require(r.status == 0, "snapshot with the real libclang: \(r.stderr)")
        return dir
    }

    /// Builds a shared library from C `source` with the C compiler; returns its path.
    static func sharedLibrary(_ source: String, in dir: String, name: String) throws -> String {
        try source.write(toFile: dir + "/\(name).c", atomically: true, encoding: .utf8)
        let cc = try runProcess("/usr/bin/env", ["cc", "-shared", "-fPIC", "-o", dir + "/\(name).so", dir + "/\(name).c"])
        try #require(cc.status == 0, "cc -shared: \(cc.stderr)")
        return dir + "/\(name).so"
    }

    /// The bad-input contract: exit 2, nothing on standard output, one line on standard error holding `mentions`.
    static func expectOneLine(_ r: ProcessResult, _ mentions: [String], _ what: String) {
        #expect(r.status == 2, "\(what): status \(r.status), stderr \(r.stderr)")
        #expect(r.stdout.isEmpty, "\(what): nothing on standard output: \(r.stdout)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(what): one line: \(r.stderr)")
        for m in mentions { #expect(r.stderr.contains(m), "\(what): mentions \(m): \(r.stderr)") }
    }

    @Test("the abigen executable has no DT_NEEDED entry for libclang or LLVM and exports no clang_ function")
    func notLinked() throws {
        let dynamic = try runProcess("/usr/bin/env", ["readelf", "-d", "-W", Repo.binary])
        try #require(dynamic.status == 0, "readelf -d: \(dynamic.stderr)")
        let needed = dynamic.stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        #expect(needed.contains { $0.contains("libc.so") }, "readelf lists the needed libraries: \(dynamic.stdout)")
        let clang = needed.filter { $0.lowercased().contains("clang") || $0.contains("LLVM") }
        #expect(clang.isEmpty, "needed at start-up: \(clang)")
        // An exported trampoline would interpose on libclang's calls to its own functions.
        let symbols = try runProcess("/usr/bin/env", ["readelf", "--dyn-syms", "-W", Repo.binary])
        try #require(symbols.status == 0, "readelf --dyn-syms: \(symbols.stderr)")
        let exported = symbols.stdout.split(separator: "\n").filter { !$0.contains(" UND ") && $0.contains(" clang_") }
        #expect(exported.isEmpty, "exported: \(exported)")
    }

    @Test("snapshot commands run with no libclang to load: diff, re-rendering a snapshot, --help")
    func snapshotCommandsWithoutLibclang() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["ABIGEN_LIBCLANG": Self.missing]
        let diff = try runAbigen(["diff", dir + "/t.json", dir + "/t.json"], environment: env)
        #expect(diff.status == 0, "diff: \(diff.stderr)")
        let swift = try runAbigen(["--snapshot", dir + "/t.json"], environment: env)
        #expect(swift.status == 0 && swift.stdout.contains("lazy_pair"), "--snapshot: \(swift.stderr)")
        let help = try runAbigen(["--help"], environment: env)
        #expect(help.status == 0 && help.stdout.contains("libclang"), "--help: \(help.stderr)")
    }

    @Test("--btf of the running kernel needs no libclang and gives the same bytes with and without it",
          .enabled(if: FileManager.default.isReadableFile(atPath: vmlinux), "no readable /sys/kernel/btf/vmlinux"))
    func btfWithoutLibclang() throws {
        let args = ["--btf", Self.vmlinux, "--record", "io_uring_cmd", "--format", "json"]
        let without = try runAbigen(args, environment: ["ABIGEN_LIBCLANG": Self.missing])
        #expect(without.status == 0, "\(without.stderr)")
        let snapshot = try ABISnapshot.decode(Data(without.stdout.utf8), path: "stdout")
        #expect(snapshot.records.map(\.name) == ["io_uring_cmd"])
        let with = try runAbigen(args)
        #expect(with.status == 0 && with.stdout == without.stdout, "same output with libclang loadable: \(with.stderr)")
    }

    /// dlopen of a FIFO blocks in open() for ever (outside review: SIGTERM could not end it either).
    @Test("ABIGEN_LIBCLANG naming a FIFO, a directory or a device: one line, exit 2, no wait")
    func notARegularFile() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/fifo"
        try #require(mkfifo(fifo, 0o600) == 0)
        let header = ["--headers", dir, "--header", "t.h", "--preset", "none"]
        // A bare name is refused too: the loader would search LD_LIBRARY_PATH, where a FIFO could wait.
        let bare = try runAbigen(header, environment: ["ABIGEN_LIBCLANG": "fifo", "LD_LIBRARY_PATH": dir])
        Self.expectOneLine(bare, ["fifo", "cannot load libclang", "not a path"], "bare name")
        for library in [fifo, dir, "/dev/zero"] {
            let r = try runAbigen(header, environment: ["ABIGEN_LIBCLANG": library])
            Self.expectOneLine(r, [library, "cannot load libclang", "not a regular file"], library)
            let version = try runAbigen(["--version"], environment: ["ABIGEN_LIBCLANG": library])
            Self.expectOneLine(version, [library, "not a regular file"], "--version with \(library)")
        }
    }

    @Test("a libclang that cannot be loaded: one line naming the library and the reason, exit 2, no output file")
    func loadFailure() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out.swift"
        let header = ["--headers", dir, "--header", "t.h", "--preset", "none"]
        let missing = try runAbigen(header + ["-o", out], environment: ["ABIGEN_LIBCLANG": Self.missing])
        Self.expectOneLine(missing, [Self.missing, "cannot load libclang", "cannot open shared object file"], "missing file")
        #expect(!FileManager.default.fileExists(atPath: out), "no output file")
        // A real shared library without libclang's functions.
        let other = try Self.sharedLibrary("int abigen_not_libclang(void) { return 1; }\n", in: dir, name: "other")
        let wrong = try runAbigen(header + ["-o", out], environment: ["ABIGEN_LIBCLANG": other])
        Self.expectOneLine(wrong, [other, "cannot load libclang", "undefined symbol: clang_"], "not libclang")
        #expect(!FileManager.default.fileExists(atPath: out), "no output file")
        let verify = try runAbigen(["verify"] + header, environment: ["ABIGEN_LIBCLANG": Self.missing])
        Self.expectOneLine(verify, [Self.missing, "cannot load libclang"], "verify")
        let check = try runAbigen(["check", "--baseline", dir + "/t.json"] + header, environment: ["ABIGEN_LIBCLANG": Self.missing])
        Self.expectOneLine(check, [Self.missing, "cannot load libclang"], "check")
    }

    @Test("commands that read no header never load libclang; --version loads it, and fails in one line when it cannot")
    func neverLoaded() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Loading this library ends the process with status 97: a command that loads it cannot succeed.
        let trap = try Self.sharedLibrary("#include <unistd.h>\n__attribute__((constructor)) static void loaded(void) { _exit(97); }\n",
                                          in: dir, name: "trap")
        let env = ["ABIGEN_LIBCLANG": trap]
        let parse = try runAbigen(["--headers", dir, "--header", "t.h", "--preset", "none"], environment: env)
        #expect(parse.status == 97, "a header run loads the library named by ABIGEN_LIBCLANG: \(parse.status) \(parse.stderr)")
        for args in [["diff", dir + "/t.json", dir + "/t.json"], ["--snapshot", dir + "/t.json"], ["--help"], ["diff", "--help"]] {
            let r = try runAbigen(args, environment: env)
            #expect(r.status == 0, "\(args): status \(r.status) \(r.stderr)")
        }
        if FileManager.default.isReadableFile(atPath: Self.vmlinux) {
            let btf = try runAbigen(["--btf", Self.vmlinux, "--record", "io_uring_cmd", "--format", "json"], environment: env)
            #expect(btf.status == 0, "--btf: status \(btf.status) \(btf.stderr)")
        }
        let version = try runAbigen(["--version"], environment: ["ABIGEN_LIBCLANG": Self.missing])
        Self.expectOneLine(version, [Self.missing, "cannot load libclang"], "--version")
    }

    @Test("loading from many threads at once: one load, every caller sees it")
    func concurrentLoad() throws {
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            do { try LibClang.load() } catch { failures.withLock { $0 += 1 } }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(LibClang.version.contains("clang version"), "\(LibClang.version)")
        #expect(LibClang.loadedPath.contains("libclang"), "\(LibClang.loadedPath)")
    }
}

/// The libclang load failure where a `--target` is checked first (the frontend's triple probe).
@Suite struct LazyClangTargetTests {
    @Test("--target and matrix with a libclang that cannot be loaded: the load failure, not an unknown triple")
    func targetProbe() throws {
        let dir = try LazyClangTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["ABIGEN_LIBCLANG": LazyClangTests.missing]
        let header = ["--headers", dir, "--header", "t.h", "--preset", "none"]
        let generate = try runAbigen(header + ["--target", "i686-linux-gnu"], environment: env)
        LazyClangTests.expectOneLine(generate, [LazyClangTests.missing, "cannot load libclang"], "--target")
        #expect(!generate.stderr.contains("target triple"), "\(generate.stderr)")
        let matrix = try runAbigen(["matrix"] + header, environment: env)
        LazyClangTests.expectOneLine(matrix, [LazyClangTests.missing, "cannot load libclang"], "matrix")
    }
}
