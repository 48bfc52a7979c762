import ABIModel
import Foundation

/// Whether the headers of a unit could see a difference between clang's identity and gcc's (``GCCIdentity``).
///
/// The unit under gcc's predefined macros differs from clang's only through the identity macros, through
/// `-Werror=implicitly-unsigned-literal` and through `-w`. When no file the unit read mentions an identity macro
/// except to test that `__GNUC__`, `__GNUC_MINOR__` or `__GNUC_PATCHLEVEL__` is defined (both define them), holds no
/// decimal literal long enough to exceed `long long`, and no argument turns warnings into errors or names an
/// identity macro, both units give the same diagnostics and values: the second parse can be left out. Anything
/// not understood counts as a difference.
enum CompilerIdentity {
    /// Whether the second unit may be left out for a unit that read `files` with `arguments`.
    static func cannotDiffer(files: [String], arguments: [String]) -> Bool {
        for a in arguments {
            if a.hasPrefix("-W") || a.hasPrefix("--") || a.hasPrefix("-pedantic") || a.hasPrefix("-X") { return false }
            if a.contains("__clang") || a.contains("__GNUC") || !isNeutral(Array(a.utf8)) { return false }
        }
        var seen: Set<String> = []
        for f in files where seen.insert(f).inserted {
            guard let data = FileManager.default.contents(atPath: f) else { return false }
            if !isNeutral([UInt8](data)) { return false }
        }
        return true
    }

    /// Whether `bytes` mention no identity macro other than in a test of whether it is defined, and hold no run of
    /// 19 or more decimal digits.
    static func isNeutral(_ bytes: [UInt8]) -> Bool {
        var digits = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                digits += 1
                if digits >= 19 { return false }
                i += 1
                continue
            }
            digits = 0
            guard b == UInt8(ascii: "_"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "_"),
                  i == 0 || !SnapshotText.isIdentifierByte(bytes[i - 1]) else { i += 1; continue }
            var end = i
            while end < bytes.count, SnapshotText.isIdentifierByte(bytes[end]) { end += 1 }
            let word = bytes[i..<end]
            if word.starts(with: "__clang".utf8) { return false }
            if word.starts(with: "__GNUC".utf8) {
                guard definedInBoth.contains(where: { word.elementsEqual($0.utf8) }), isDefinedTest(bytes, before: i) else { return false }
            }
            i = end
        }
        return true
    }

    /// Identity macros that both clang and gcc's identity define.
    static let definedInBoth = ["__GNUC__", "__GNUC_MINOR__", "__GNUC_PATCHLEVEL__"]

    /// Whether the word at `start` follows `defined`, `defined(`, `#ifdef` or `#ifndef` (blanks allowed between).
    static func isDefinedTest(_ bytes: [UInt8], before start: Int) -> Bool {
        var j = start
        func skipBlanks() { while j > 0, bytes[j - 1] == 0x20 || bytes[j - 1] == 0x09 { j -= 1 } }
        skipBlanks()
        if j > 0, bytes[j - 1] == UInt8(ascii: "(") { j -= 1; skipBlanks() }
        var k = j
        while k > 0, SnapshotText.isIdentifierByte(bytes[k - 1]) { k -= 1 }
        let word = bytes[k..<j]
        if word.elementsEqual("defined".utf8) { return true }
        guard word.elementsEqual("ifdef".utf8) || word.elementsEqual("ifndef".utf8) else { return false }
        j = k
        skipBlanks()
        return j > 0 && bytes[j - 1] == UInt8(ascii: "#")
    }
}
