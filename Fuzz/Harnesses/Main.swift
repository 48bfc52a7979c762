// The libFuzzer entry points. Every harness is linked into one binary (one link instead of five); it runs the
// harness named by its file name (`.build/fuzz/bin/json_reader` is a link to it) or by `FUZZ_HARNESS`.
import Foundation

/// Every harness by name (the names Scripts/fuzz.sh and Fuzz/corpus/ use).
let harnesses: [String: (UnsafeRawBufferPointer) -> Void] = [
    "json_reader": fuzzJSONReader,
    "snapshot_emitters": fuzzSnapshotEmitters,
    "differ": fuzzDiffer,
    "elf_reader": fuzzELFReader,
    "suppressions": fuzzSuppressions,
    "btf_reader": fuzzBTFReader,
]

/// The harness this process runs, chosen once in `LLVMFuzzerInitialize` before any input.
nonisolated(unsafe) var selectedHarness: (UnsafeRawBufferPointer) -> Void = { _ in }

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> CInt {
    let program = argv.pointee.pointee.map { String(cString: $0) } ?? ""
    let name = ProcessInfo.processInfo.environment["FUZZ_HARNESS"] ?? URL(fileURLWithPath: program).lastPathComponent
    guard let harness = harnesses[name] else {
        FileHandle.standardError.write(Data("abigen-fuzz: unknown harness '\(name)' (run it as one of: \(harnesses.keys.sorted().joined(separator: ", ")), or set FUZZ_HARNESS)\n".utf8))
        exit(2)
    }
    selectedHarness = harness
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    selectedHarness(UnsafeRawBufferPointer(start: count == 0 ? nil : start, count: count))
    return 0
}
