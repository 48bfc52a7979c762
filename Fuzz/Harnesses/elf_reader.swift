// Harness: the ELF reader, as `abigen verify` uses it on a compiled probe.
//
// Parses the input as an object file (`ELFFile(bytes:)`); when it is accepted, reads the bytes of every symbol
// (`contents(of:)`: the value array and the bitfield objects verify reads), decodes the value array's words and
// counts the set bits the way the verifier measures bitfields. Properties: nothing traps or allocates without bound
// (a symbol's size, value or a section's offset are untrusted); a symbol's bytes are exactly `st_size` long.
import ABIBackends
import Foundation

/// One input of the `elf_reader` harness.
func fuzzELFReader(_ input: UnsafeRawBufferPointer) {
    let bytes = [UInt8](input)
    guard let elf = try? ELFFile(bytes: bytes, path: "fuzz.o") else { return }
    _ = elf.machine.description
    for sym in elf.symbols.prefix(4096) {
        guard let contents = try? elf.contents(of: sym.name) else { continue }
        guard let defined = elf.symbol(named: sym.name), contents.count == defined.size else {
            violation("elf_reader", "the bytes of symbol '\(sym.name)' are not st_size long")
        }
        var words: [UInt64] = []
        var at = 0
        while at + 8 <= contents.count {
            var v: UInt64 = 0
            for i in (0..<8).reversed() { v = v << 8 | UInt64(contents[at + i]) }
            words.append(v)
            at += 8
        }
        var first: Int?, set = 0
        for (i, byte) in contents.enumerated() {
            for bit in 0..<8 where byte & (1 << bit) != 0 {
                if first == nil { first = i * 8 + bit }
                set += 1
            }
        }
        _ = (words, first, set)
    }
}
