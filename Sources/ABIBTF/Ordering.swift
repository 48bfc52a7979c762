import ABIModel
import Foundation

/// The indexes of `names` in the order a stable sort by name puts them; the first 16 UTF-8 bytes of each
/// name, compared as two big-endian words, decide most comparisons without looking at the Strings.
func nameOrder(_ names: [String]) -> [Int] {
    struct Key { var a: UInt64; var b: UInt64; var index: Int }
    var keys: [Key] = []
    keys.reserveCapacity(names.count)
    for (index, n) in names.enumerated() {
        var a: UInt64 = 0, b: UInt64 = 0, i = 0
        for byte in n.utf8.prefix(16) {
            if i < 8 { a |= UInt64(byte) << (56 - 8 * i) } else { b |= UInt64(byte) << (56 - 8 * (i - 8)) }
            i += 1
        }
        keys.append(Key(a: a, b: b, index: index))
    }
    keys.sort { x, y in
        if x.a != y.a { return x.a < y.a }
        if x.b != y.b { return x.b < y.b }
        switch utf8Order(names[x.index], names[y.index]) {
        case .some(let less): return less
        case nil: return x.index < y.index
        }
    }
    return keys.map(\.index)
}

extension Array {
    /// Rearranges the elements so that the one at `order[i]` comes to `i` (`order` is a permutation of the
    /// indices), by swaps along the permutation's cycles.
    mutating func permute(by order: [Int]) {
        guard order.count == count else { return }
        var placed = [Bool](repeating: false, count: count)
        // The buffer's swapAt moves the two values (Array's copies them, retaining what they hold).
        withUnsafeMutableBufferPointer { buffer in
            for start in buffer.indices where !placed[start] {
                var j = start
                while true {
                    placed[j] = true
                    let k = order[j]
                    guard k != start, k >= 0, k < buffer.count, !placed[k] else { break }
                    buffer.swapAt(j, k)
                    j = k
                }
            }
        }
    }

    /// Keeps only the first element of each run of neighbours that `same` finds equal.
    mutating func keepFirstOfEachRun(_ same: (Element, Element) -> Bool) {
        guard count > 1 else { return }
        var kept = 0
        withUnsafeMutableBufferPointer { buffer in
            for i in 1..<buffer.count where !same(buffer[kept], buffer[i]) {
                kept += 1
                if kept != i { buffer.swapAt(kept, i) }
            }
        }
        removeLast(count - kept - 1)
    }
}

/// Whether `a` sorts before `b` as `String`'s `<` orders them (nil: equal). ASCII strings, every name BTF gives
/// (they are checked to be C identifiers), are compared as bytes; any other falls back to `String`.
func utf8Order(_ a: String, _ b: String) -> Bool? {
    if let order = SnapshotText.asciiOrder(a, b) { return order == 0 ? nil : order < 0 }
    return a == b ? nil : a < b
}

/// Shell-style glob match supporting `*` and `?`.
func btfGlobMatch(_ pattern: String, _ text: String) -> Bool {
    Array(text.utf8).withUnsafeBufferPointer { btfGlobMatch(Array(pattern.utf8), $0) }
}

/// Shell-style glob match supporting `*` and `?` of the pattern's bytes against `text`, up to its end or its
/// first NUL byte (a name in a BTF string section). Backtracks to the last `*` only: linear in practice.
func btfGlobMatch(_ p: [UInt8], _ t: UnsafeBufferPointer<UInt8>) -> Bool {
    var pi = 0, ti = 0, star = -1, mark = 0
    while ti < t.count && t[ti] != 0 {
        if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == t[ti]) { pi += 1; ti += 1 }
        else if pi < p.count && p[pi] == UInt8(ascii: "*") { star = pi; mark = ti; pi += 1 }
        else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
        else { return false }
    }
    while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
    return pi == p.count
}
