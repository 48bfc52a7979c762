@testable import ABIModel
import Foundation
import Testing

@Suite("Snapshot validation: every rule refuses its bad input with one line naming the file and the culprit")
struct SnapshotValidationTests {
    /// Each file of Fixtures/bad/snapshots and a part of the message it must get.
    static let expectations: [(String, String)] = [
        ("alignment-absurd.json", "record io_uring_sqe: alignment 1048576 is not a power of two"),
        ("alignment-not-power-of-two.json", "alignment 12 is not a power of two"),
        ("alignment-zero.json", "alignment 0 is not a power of two"),
        ("anonymous-member-beyond-record.json", "anonymous member 1: bytes 8..<108 lie beyond the record's 64 bytes"),
        ("anonymous-member-duplicate.json", "anonymous member 1: appears twice"),
        ("anonymous-member-fieldindexes-empty.json", "anonymous member 1: fieldIndexes is empty"),
        ("anonymous-member-negative-offset.json", "anonymous member 1: offset -8 is negative"),
        ("anonymous-member-parent-missing.json", "anonymous member 3.1: its parent 3 is not an anonymous member"),
        ("anonymous-member-path-count-mismatch.json", "2 field indexes for a path of 1"),
        ("anonymous-member-path-empty.json", "path is empty"),
        ("array-dimension-negative.json", "field cmd: array dimension -1 is negative"),
        ("array-dimensions-empty.json", "field cmd: arrayDimensions is empty"),
        ("array-dimensions-overflow.json", "field cmd: array dimensions 4294967296×4294967296×4294967296 of 1-byte elements exceed 2^32 bytes"),
        ("array-dimensions-product-absurd.json", "array dimensions 65536×65536×2 of 1-byte elements exceed 2^32 bytes"),
        ("array-element-wrong-type.json", "headers[1]"),
        ("bitfield-beyond-record.json", "field flags: bits 510..<513 lie beyond the record's 64 bytes"),
        ("bitfield-spelling-injection.json", "field flags: bitfield type 'int)+0); int x = (1' is not an integer or enum type name"),
        ("bitoffset-without-bitwidth.json", "field flags: bitOffset without bitWidth"),
        ("bitwidth-1000.json", "field flags: bitWidth 1000 is not from 1 to 128"),
        ("bitwidth-without-bitoffset.json", "field flags: bitWidth without bitOffset"),
        ("bitwidth-zero.json", "field flags: bitWidth 0 is not from 1 to 128"),
        ("constant-definition-newline.json", "constant IORING_SETUP_IOPOLL: definition: contains control character U+000A"),
        ("constant-duplicate.json", "constant IORING_SETUP_IOPOLL appears twice"),
        ("constant-header-absolute.json", "constant IORING_SETUP_IOPOLL: header '/etc/passwd' is an absolute path"),
        ("constant-name-not-identifier.json", "constant #1 'IORING SETUP': name is not a C identifier"),
        ("constant-negative-unsigned.json", "value -1 does not fit an unsigned 4-byte type"),
        ("constant-size-negative.json", "constant IORING_SETUP_IOPOLL: size -4 is not 1, 2, 4, 8 or 16"),
        ("constant-size-three.json", "size 3 is not 1, 2, 4, 8 or 16"),
        ("constant-size-zero.json", "size 0 is not 1, 2, 4, 8 or 16"),
        ("constant-value-does-not-fit.json", "value 300 does not fit an unsigned 1-byte type"),
        ("deep-nesting.json", "nesting deeper than 512 levels"),
        // Foundation's JSONDecoder traps on these (513 levels opened, then the end of the file): outside review.
        ("deep-nesting-after-keys.json", "nesting deeper than 512 levels"),
        ("deep-nesting-at-end.json", "nesting deeper than 512 levels"),
        ("empty.json", "line 1, column 1: not valid JSON: unexpected end of file"),
        ("enum-name-not-identifier.json", "constant IORING_OP_NOP: enum name 'io_uring op' is not a C identifier"),
        ("enum-type-size-zero.json", "constant IORING_OP_NOP: enum type size 0 is not 1, 2, 4, 8 or 16"),
        ("field-anonymous-path-empty.json", "field off: anonymousPath is empty"),
        ("field-anonymous-path-unknown.json", "field off: anonymousPath 7 names no anonymous member"),
        ("field-anonymous-path-zero.json", "field off: anonymousPath number 0 is less than 1"),
        ("field-name-duplicate.json", "field off: appears twice"),
        ("field-name-not-identifier.json", "field #1 'opcode[0]': name is not a C member name"),
        ("field-offset-beyond-record.json", "record io_uring_sqe, field user_data: offset 70 lies beyond the record's 64 bytes"),
        ("field-offset-negative.json", "field user_data: offset -8 is negative"),
        ("field-size-beyond-record.json", "field user_data: size 1000000000000 is absurd (more than 2^32)"),
        ("field-size-negative.json", "field user_data: size -1 is negative"),
        ("field-type-record-not-identifier.json", "type record 'a-b' is not a C identifier"),
        ("header-absolute.json", "header '/etc/passwd' is an absolute path"),
        ("header-angle-bracket.json", "cannot appear in #include"),
        ("header-dotdot.json", "header '../../../../etc/passwd' contains a '..' component"),
        ("header-empty.json", "header '' is empty"),
        ("header-group-dotdot.json", "header group member 'linux/../../etc/passwd' contains a '..' component"),
        ("header-line-separator.json", "contains control character U+2028"),
        ("header-newline.json", "header 'linux/io_uring.h\\u{A}public let injected = 42': contains control character U+000A"),
        ("include-directory-newline.json", "include directory '/usr/include\\u{A}-fplugin=x': contains control character U+000A"),
        ("missing-key.json", "not an abigen snapshot: missing key 'target'"),
        ("not-an-object.json", "not an abigen snapshot: expected an object, found an array"),
        ("number-2-to-64.json", "number 18446744073709551616 is out of range"),
        ("number-fraction.json", "number 32.5 is not an integer"),
        ("number-leading-zero.json", "not valid JSON: number with a leading zero"),
        ("number-out-of-int-range.json", "not an abigen snapshot: records[0].fields[4].offset: 9223372036854775808 is out of range"),
        ("offset-int64-min.json", "field user_data: offset -9223372036854775808 is negative"),
        ("prelude-header-absolute.json", "prelude header '/etc/shadow' is an absolute path"),
        ("record-cname-injection.json", "record io_uring_sqe: cName 'struct io_uring_sqe *)0)->opcode)"),
        ("record-contains-itself.json", "record io_uring_sqe contains itself by value"),
        ("record-duplicate.json", "record io_uring_sqe appears twice"),
        ("record-header-dotdot.json", "record io_uring_sqe: header '../secret.h' contains a '..' component"),
        ("record-name-not-identifier.json", "record #1 'io_uring sqe': name is not a C identifier"),
        ("record-size-absurd.json", "record io_uring_sqe: size 4294967297 is absurd"),
        ("record-size-near-int-max.json", "size 9223372036854775807 is absurd"),
        ("record-size-negative.json", "record io_uring_sqe: size -64 is negative"),
        ("schema-version-future.json", "schemaVersion 3 is newer than this abigen understands (2)"),
        ("schema-version-negative.json", "schemaVersion -1 is not a version"),
        ("schema-version-zero.json", "schemaVersion 0 is not a version"),
        ("skipped-macro-name-not-identifier.json", "skipped macro #1 'A(B)': name is not a C identifier"),
        ("string-control-character.json", "line 110, column 19: not valid JSON: control character U+0009 in a string"),
        ("string-invalid-escape.json", "not valid JSON: invalid escape"),
        ("string-invalid-utf8.json", "line 110, column 14: not valid JSON: invalid UTF-8 in a string"),
        ("string-unpaired-surrogate.json", "not valid JSON: unpaired surrogate"),
        ("target-newline.json", "target: contains control character U+000A"),
        ("target-not-triple.json", "target '-fplugin=/tmp/evil.so' is not a target triple"),
        ("truncated.json", "not valid JSON: unexpected end of file"),
        ("type-spelling-newline.json", "field opcode: type spelling: contains control character U+000A"),
        ("unsupported-reason-newline.json", "unsupported entry 'struct x': reason: contains control character U+000A"),
        ("wrong-type.json", "records[0].fields[4].offset"),
    ]

    @Test("a bad snapshot is refused by load, with its message on one line naming the file", arguments: expectations)
    func refused(_ file: String, _ fragment: String) throws {
        let path = badSnapshotDirectory + "/" + file
        let error = try #require(throws: SnapshotError.self) { try ABISnapshot.load(from: path) }
        #expect(error.path == path)
        #expect(error.message.contains(fragment), "\(error.message)")
        #expect(!error.description.contains("\n") && error.description.hasPrefix(path + ": "))
        // JSONDecoder alone refuses it too (then validation does): the fast reader decides nothing on its own.
        let data = try #require(FileManager.default.contents(atPath: path))
        #expect(throws: SnapshotError.self) { try ABISnapshot.foundationDecode(data, path: path) }
    }

    @Test("every file in Fixtures/bad/snapshots has an expectation")
    func everyFixtureListed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: badSnapshotDirectory).filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set(Self.expectations.map(\.0)))
    }

    @Test("the sample the fixtures break is valid, through both readers")
    func sampleIsValid() throws {
        var s = Sample.valid
        #expect(Sample.problem(s) == nil)
        let data = try s.jsonData()
        s.normalize()
        #expect(try ABISnapshot.decode(data, path: "sample") == s)
        #expect(try ABISnapshot.foundationDecode(data, path: "sample") == s)
    }

    @Test("the committed golden io_uring snapshot is valid")
    func goldenIsValid() throws {
        let s = try ABISnapshot.load(from: repoRoot + "/Fixtures/golden/io_uring-6.1.json")
        #expect(s.records.count > 10)
    }

    @Test("values at the edge of each rule are accepted")
    func boundaries() {
        var s = Sample.valid
        s.records[0].size = SnapshotLimits.maximumSize
        s.records[0].alignment = SnapshotLimits.maximumAlignment
        s.records[0].fields[4].offset = SnapshotLimits.maximumSize - 8   // the last 8 bytes
        s.records[0].fields[5].offset = SnapshotLimits.maximumSize       // a variable tail at offset == size
        s.records[0].fields[1].bitWidth = 128
        s.records[0].fields[1].size = 16
        s.records[0].fields[5].type.arrayDimensions = [0, 1 << 32]        // zero elements, however wide
        s.constants[0].size = 8
        s.constants[0].value = .unsigned(UInt64.max)
        s.constants[1].size = 8
        s.constants[1].value = .signed(Int64.min)
        s.constants.append(Constant(name: "WIDE", value: .unsigned(UInt64.max), type: "unsigned __int128", size: 16, signed: true,
                                    origin: .macro, header: "linux/io_uring.h"))
        s.records[0].cName = "__typeof__(((struct outer *)0)->a.b[0][0])"
        s.headers = ["./linux/io_uring.h", "linux/..h", "a..b/c.h"]
        s.target = "aarch64-unknown-linux-gnu"
        s.unsupported = [Unsupported(name: "struct x", reason: "tabs and é, 😀 are fine; only controls are not")]
        // Beyond 2^32 the record dimension alone is refused (checked below).
        #expect(Sample.problem(s) == nil)
        s.records[0].fields[5].type.arrayDimensions = [1, (1 << 32) + 1]
        #expect(Sample.problem(s)?.contains("array dimension 4294967297 is absurd") == true)
    }

    @Test("cName: exactly IDENT, struct IDENT, union IDENT and the __typeof__ element form")
    func cNames() {
        for good in ["foo", "struct foo", "union _u1", "__typeof__(((struct a *)0)->b[0])", "__typeof__(((t *)0)->b.c.d[0][0][0])",
                     "__typeof__(((union u *)0)->x[0])"] {
            #expect(SnapshotText.isRecordCName(good), "\(good)")
        }
        for bad in ["", "struct ", "struct  foo", "enum foo", "struct foo bar", "foo*", "__typeof__(((struct a *)0)->b)",
                    "__typeof__(((struct a *)0)->b[1])", "__typeof__(((struct a*)0)->b[0])", "__typeof__((( *)0)->b[0])",
                    "__typeof__(((struct a *)0)->b[0]) x", "__typeof__(((struct a *)0)->b..c[0])", "__typeof__(((struct a *)0)->[0])",
                    "__typeof__(((__typeof__(((struct a *)0)->b[0]) *)0)->c[0])", "struct foo\n"] {
            #expect(!SnapshotText.isRecordCName(bad), "\(bad)")
        }
    }

    @Test("a problem names the record, field or constant by index when its name is unusable, and shows it escaped")
    func unusableNamesAreEscaped() {
        var s = Sample.valid
        s.records[0].fields[0].name = "a\u{1B}[31mred\nline"
        let message = Sample.problem(s) ?? ""
        #expect(message.contains("field #1 'a\\u{1B}[31mred\\u{A}line'"))
        #expect(!message.unicodeScalars.contains { SnapshotText.isForbidden($0) })
        s = Sample.valid
        s.records[0].name = String(repeating: "x", count: 10_000) + " "
        #expect((Sample.problem(s) ?? "").count < 300, "long names are cut")
    }

    /// What a producer that checks each record itself (the BTF frontend) reports must be what validate reports,
    /// whichever comes first: a repeated name before a broken record, or the other way round.
    @Test("validate with each record's problems found by its producer reports what validate reports")
    func producerCheckedRecords() {
        func both(_ s: ABISnapshot) -> (String?, String?) {
            var problems: [Int: SnapshotError] = [:]
            for (i, r) in s.records.enumerated() { problems[i] = ABISnapshot.recordProblem(r, index: i, path: "t.json") }
            let checked: String?
            do { try s.validate(path: "t.json", recordProblems: problems); checked = nil } catch { checked = "\(error)" }
            let full: String?
            do { try s.validate(path: "t.json"); full = nil } catch { full = "\(error)" }
            return (checked, full)
        }
        var s = Sample.valid
        var a = s.records[0], b = s.records[0], c = s.records[0]
        a.name = "a"; b.name = "b"; c.name = "c"
        s.records = [a, b, c]
        #expect(both(s).0 == nil && both(s).1 == nil)
        s.records[1].fields[0].offset = 70                     // b broken; nothing before it
        #expect(both(s).0 == both(s).1 && both(s).1?.contains("record b, field opcode") == true)
        s.records[0].name = "b"; s.records[1].name = "b"        // b twice, the second also broken: the break comes first
        #expect(both(s).0 == both(s).1 && both(s).1?.contains("record b, field opcode") == true)
        s.records[1].fields[0].offset = 0                      // only the repeated name
        #expect(both(s).0 == both(s).1 && both(s).1?.contains("appears twice") == true)
        s.records[1].name = "1b"                               // a name that is not an identifier: numbered by its place
        #expect(both(s).0 == both(s).1 && both(s).1?.contains("record #2") == true)
    }

    @Test("C1 controls, line separators and bidirectional overrides are control characters too")
    func controlCharacters() {
        for scalar in ["\u{0}", "\u{7F}", "\u{85}", "\u{2029}", "\u{202E}", "\u{2066}"] {
            var s = Sample.valid
            s.skippedMacros[0].definition = "1" + scalar
            #expect(Sample.problem(s)?.contains("control character") == true, "\(scalar.unicodeScalars.first!.value)")
        }
    }

    @Test("an anonymousPath must name a listed anonymous member, nested ones included (both frontends list them)")
    func unlistedNestedAnonymousMember() {
        var s = Sample.valid
        s.records[0].fields[2].anonymousPath = [1, 1]
        #expect(Sample.problem(s)?.contains("anonymousPath 1.1 names no anonymous member") == true)
        s.records[0].fields[2].anonymousPath = [2, 1]
        #expect(Sample.problem(s)?.contains("anonymousPath 2.1 names no anonymous member") == true)
    }

    @Test("records that contain each other by value in a cycle are refused")
    func cycles() {
        var s = Sample.valid
        var other = s.records[0]
        other.name = "other"
        other.cName = "struct other"
        other.fields[4].type = FieldType(spelling: "struct io_uring_sqe", canonical: "struct io_uring_sqe", kind: .record,
                                         scalarSize: 64, record: "io_uring_sqe")
        s.records.append(other)
        #expect(Sample.problem(s) == nil, "one direction is fine")
        s.records[0].fields[4].type = FieldType(spelling: "struct other", canonical: "struct other", kind: .record, scalarSize: 64,
                                                record: "other")
        #expect(Sample.problem(s)?.contains("contains itself by value (io_uring_sqe → other → io_uring_sqe)") == true)
    }
}

@Suite("Model values never trap, validated or not")
struct ModelNoTrapTests {
    @Test("elementCount saturates instead of overflowing; names of an anonymous member with empty lists do not index out of range")
    func noTraps() {
        let huge = FieldType(spelling: "char[]", canonical: "char[]", kind: .integer, scalarSize: 1, arrayDimensions: [Int.max, Int.max, 3])
        #expect(huge.elementCount == Int.max)
        #expect(FieldType(spelling: "x", canonical: "x", kind: .integer, scalarSize: 1, arrayDimensions: [Int.max, 0]).elementCount == 0)
        #expect(FieldType(spelling: "x", canonical: "x", kind: .integer, scalarSize: 1, arrayDimensions: [2, 3, 4]).elementCount == 24)
        let empty = AnonymousMember(path: [], fieldIndexes: [], kind: .union, offset: 0, size: 0)
        #expect(empty.bindgenName == "__bindgen_anon_" && empty.swiftImporterName == "__Anonymous_field")
    }
}
