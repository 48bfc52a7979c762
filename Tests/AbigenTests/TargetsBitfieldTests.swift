import ABIBackends
import ABIModel
import AbigenCLI
import Foundation
import Testing

/// Big-endian bitfields: the generated accessors' byte arithmetic, run on this (little-endian) host, against the
/// all-ones images a big-endian target's compilers lay out (`.field = -1` in an object file, read back).
@Suite("Targets: big-endian bitfield accessors byte for byte against the compilers")
struct TargetsBitfieldTests {
    /// The compiler's image of `struct perf_event_attr` with only each bitfield set to all ones, by field name.
    static func images(_ s: ABISnapshot, record: Record, target: String, compiler: String) throws -> [String: [UInt8]] {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fields = record.fields.filter { $0.bitWidth != nil }
        var c = "#include <linux/perf_event.h>\n"
        for (i, f) in fields.enumerated() { c += "const \(record.cName) image\(i) = { .\(f.name) = -1 };\n" }
        try c.write(toFile: dir + "/images.c", atomically: true, encoding: .utf8)
        var args = ["-c", "-o", dir + "/images.o", dir + "/images.c", "-I", "/usr/\(target)/include"]
        if compiler == "clang" { args = ["-target", target] + args }
        let r = try runProcess(compiler, args)
        guard r.status == 0 else { throw TestSetupError("\(compiler) could not compile the images: \(r.stderr)") }
        let elf = try ELFFile(path: dir + "/images.o")
        #expect(elf.isBigEndian)
        var out: [String: [UInt8]] = [:]
        for (i, f) in fields.enumerated() { out[f.name] = try elf.contents(of: "image\(i)") }
        return out
    }

    /// Runs the generated Swift on the host: each setter's all-ones bytes, and each getter on the compiler's image.
    static func swiftSide(_ s: ABISnapshot, record: Record, images: [String: [UInt8]]) throws -> [String] {
        let dir = try Repo.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ids = SwiftEmitter.identifiers(for: record)
        var main = """
        func hex<T>(_ v: T) -> String { withUnsafeBytes(of: v) { $0.map { String($0, radix: 16) }.joined(separator: ",") } }

        """
        for f in record.fields where f.bitWidth != nil {
            guard let id = ids[f.name], let image = images[f.name] else { continue }
            main += "do { var v = \(record.name)(); v.\(id) = ~0; print(\"set \(f.name) \\(hex(v.storage))\") }\n"
            main += "do { var v = \(record.name)(); let image: [UInt8] = \(image); "
                + "withUnsafeMutableBytes(of: &v.storage) { for i in 0..<image.count { $0[i] = image[i] } }; "
                + "print(\"get \(f.name) \\(UInt64(v.\(id)))\") }\n"
        }
        try SwiftEmitter.emit(s).write(toFile: dir + "/Generated.swift", atomically: true, encoding: .utf8)
        try main.write(toFile: dir + "/main.swift", atomically: true, encoding: .utf8)
        let sc = try runProcess("swiftc", ["-swift-version", "6", "-Onone", "-o", dir + "/check", dir + "/Generated.swift", dir + "/main.swift"])
        guard sc.status == 0 else { throw TestSetupError("generated Swift did not compile:\n\(sc.stdout)\(sc.stderr)") }
        let run = try runProcess(dir + "/check", [])
        guard run.status == 0 else { throw TestSetupError("check program failed: \(run.stderr)") }
        return run.stdout.split(separator: "\n").map(String.init)
    }

    @Test("perf_event_attr's flag bitfields on s390x and powerpc64", arguments: ["s390x-linux-gnu", "powerpc64-linux-gnu"])
    func perfEventAttr(_ target: String) throws {
        let s = try HeaderOptions.parse(["--headers", "/usr/\(target)/include", "--header", "linux/perf_event.h", "--preset", "none",
                                         "--target", target, "--record", "perf_event_attr"]).snapshot()
        let record = try #require(s.records.first { $0.name == "perf_event_attr" })
        let bitfields = record.fields.filter { $0.bitWidth != nil }
        #expect(bitfields.count > 30)
        var compilers = ["clang"]
        if onPath("\(target)-gcc") { compilers.append("\(target)-gcc") }
        let clangImages = try Self.images(s, record: record, target: target, compiler: "clang")
        for compiler in compilers.dropFirst() {
            #expect(try Self.images(s, record: record, target: target, compiler: compiler) == clangImages, "\(compiler)")
        }
        let lines = try Self.swiftSide(s, record: record, images: clangImages)
        var expected: [String] = []
        for f in bitfields {
            let image = try #require(clangImages[f.name])
            expected.append("set \(f.name) " + image.map { String($0, radix: 16) }.joined(separator: ","))
            let width = try #require(f.bitWidth)
            expected.append("get \(f.name) \(width == 64 ? UInt64.max : (UInt64(1) << UInt64(width)) - 1)")
        }
        #expect(lines.count == expected.count)
        for (a, b) in zip(lines, expected) where a != b { Issue.record("\(target): Swift says `\(a)`, the compiler `\(b)`") }
        // The first flag (`disabled : 1`) sits in the most significant bit of its storage unit's first byte: a
        // little-endian accessor would have set 0x01 instead, so this check can fail.
        let disabled = try #require(record.fields.first { $0.name == "disabled" })
        #expect(clangImages["disabled"]?[disabled.offset] == 0x80)
    }
}
