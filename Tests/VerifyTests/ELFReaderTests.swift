import ABIBackends
import Foundation
import Testing

/// Compiles `source` with clang for `target` (compile only) and returns the object's path.
func compileObject(_ source: String, target: String) throws -> String {
    let dir = NSTemporaryDirectory() + "abigen-elf-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try source.write(toFile: dir + "/o.c", atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["clang", "-target", target, "-ffreestanding", "-c", "-o", dir + "/o.o", dir + "/o.c"]
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw CocoaError(.fileReadUnknown) }
    return dir + "/o.o"
}

@Suite("ELF reader: symbol bytes read back from objects of four architectures")
struct ELFReaderTests {
    /// The C source states the bytes; the reader must return exactly those for each symbol.
    static let source = """
    const unsigned long long word = 0x1122334455667788ULL;
    const unsigned char bytes[5] = { 1, 2, 3, 250, 255 };
    struct pair { unsigned short a; unsigned int b; };
    const struct pair pair = { 0xBEEF, 0xA5A5A5A5u };
    unsigned int zeroed[3];
    """

    @Test("word, array, struct with padding, and bss symbols", arguments: [
        ("x86_64-linux-gnu", "x86_64", true), ("i686-linux-gnu", "i386", false),
        ("aarch64-linux-gnu", "aarch64", true), ("arm-linux-gnueabihf", "arm", false),
    ])
    func symbols(_ target: String, _ machine: String, _ is64: Bool) throws {
        let path = try compileObject(Self.source, target: target)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let elf = try ELFFile(path: path)
        #expect(elf.is64Bit == is64)
        #expect(elf.machine.description == machine)
        #expect(try elf.contents(of: "word") == [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11])
        #expect(try elf.contents(of: "bytes") == [1, 2, 3, 250, 255])
        let pair = try elf.contents(of: "pair")
        #expect(pair.count == 8)
        #expect(Array(pair[0..<2]) == [0xEF, 0xBE] && Array(pair[4..<8]) == [0xA5, 0xA5, 0xA5, 0xA5])
        #expect(try elf.contents(of: "zeroed") == [UInt8](repeating: 0, count: 12))
        #expect(throws: (any Error).self) { try elf.contents(of: "no_such_symbol") }
    }

    @Test("not an ELF file is an error, not a crash")
    func garbage() {
        #expect(throws: (any Error).self) { try ELFFile(bytes: Array("not an object file".utf8)) }
        #expect(throws: (any Error).self) { try ELFFile(bytes: [0x7F, 0x45, 0x4C, 0x46, 2, 1]) }
    }
}
