import ABIBTF
import ABIModel
import Foundation

/// The library's generated io_uring layouts, checked at run time against the running kernel's own type description.
public enum IoUringABI {
    /// Where Linux publishes its BTF (readable without privileges when the kernel has CONFIG_DEBUG_INFO_BTF).
    public static let kernelBTFPath = "/sys/kernel/btf/vmlinux"

    /// One generated layout the self-check compares: the C record name, its size and its members.
    public struct Layout: Sendable, Equatable {
        /// The C tag (`io_uring_sqe`).
        public var name: String
        /// `sizeof` as the library was generated.
        public var size: Int
        /// Every named member as the library was generated.
        public var fields: [ABIField]

        /// Makes a layout description.
        public init(name: String, size: Int, fields: [ABIField]) {
            self.name = name
            self.size = size
            self.fields = fields
        }

        /// The description of a generated layout type.
        public init<L: ABILayout>(_ type: L.Type, name: String) {
            self.init(name: name, size: L.size, fields: L.abiFields)
        }
    }

    /// The layouts the library hands to the kernel: SQE, CQE, setup parameters, ring offsets, and `io_uring_cmd`.
    public static let checkedLayouts: [Layout] = [
        Layout(io_uring_sqe.self, name: "io_uring_sqe"),
        Layout(io_uring_cqe.self, name: "io_uring_cqe"),
        Layout(io_uring_params.self, name: "io_uring_params"),
        Layout(io_sqring_offsets.self, name: "io_sqring_offsets"),
        Layout(io_cqring_offsets.self, name: "io_cqring_offsets"),
        Layout(io_uring_cmd.self, name: "io_uring_cmd"),
    ]

    /// Compares ``checkedLayouts`` (or `layouts`) with the kernel BTF at `btfPath`: members the kernel added are fine;
    /// a member moved, resized or removed, a record resized or missing is a difference. Reads only the named records'
    /// types, but the whole file is parsed (a few milliseconds for the 5.5 MB `vmlinux`); never traps on a bad file.
    public static func selfCheck(btfPath: String = kernelBTFPath, layouts: [Layout] = checkedLayouts) -> SelfCheckResult {
        guard FileManager.default.isReadableFile(atPath: btfPath) else {
            return .noBTF(reason: "\(btfPath) does not exist or is not readable")
        }
        let snapshot: ABISnapshot
        do {
            let file = try BTFFile(path: btfPath)
            // Exact names (identifiers have no glob characters); no enum is needed.
            snapshot = try BTFFrontend.read(file, options: BTFOptions(records: layouts.map(\.name), constantPrefixes: ["\u{1}"])).snapshot
        } catch let e as BTFError {
            return .noBTF(reason: e.description)
        } catch {
            return .noBTF(reason: "\(btfPath): \(error)")
        }
        let kernel = Dictionary(snapshot.records.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [SelfCheckDifference] = []
        for layout in layouts {
            guard let record = kernel[layout.name] else {
                out.append(SelfCheckDifference(record: layout.name, field: nil, library: "\(layout.size) bytes", kernel: "not described"))
                continue
            }
            if record.size != layout.size {
                out.append(SelfCheckDifference(record: layout.name, field: nil, library: "\(layout.size) bytes", kernel: "\(record.size) bytes"))
            }
            let fields = Dictionary(record.fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            for f in layout.fields {
                guard let k = fields[f.name] else {
                    out.append(SelfCheckDifference(record: layout.name, field: f.name, library: describe(f), kernel: "no such member"))
                    continue
                }
                let mine = describe(f)
                let theirs = describe(ABIField(k.name, k.offset, k.size, bitOffset: k.bitOffset, bitWidth: k.bitWidth))
                if mine != theirs {
                    out.append(SelfCheckDifference(record: layout.name, field: f.name, library: mine, kernel: theirs))
                }
            }
        }
        return out.isEmpty ? .matches : .differences(out)
    }

    /// `offset N, size M` (with bit position for a bitfield).
    static func describe(_ f: ABIField) -> String {
        var s = "offset \(f.offset), size \(f.size)"
        if let b = f.bitOffset, let w = f.bitWidth { s += ", bits \(b)+\(w)" }
        return s
    }
}

/// What ``IoUringABI/selfCheck(btfPath:layouts:)`` found.
public enum SelfCheckResult: Sendable, Equatable {
    /// Every checked member sits where the library puts it (the kernel may have added members).
    case matches
    /// Members or records the kernel lays out differently from the library: do not trust those fields.
    case differences([SelfCheckDifference])
    /// No usable BTF (absent, unreadable or malformed): nothing could be checked.
    case noBTF(reason: String)
}

/// One record or member the library and the running kernel disagree on.
public struct SelfCheckDifference: Sendable, Equatable, CustomStringConvertible {
    /// The C record (`io_uring_sqe`).
    public var record: String
    /// The member, nil for the record itself.
    public var field: String?
    /// What the library's generated layout says.
    public var library: String
    /// What the kernel's BTF says.
    public var kernel: String

    /// Makes a difference record.
    public init(record: String, field: String?, library: String, kernel: String) {
        self.record = record
        self.field = field
        self.library = library
        self.kernel = kernel
    }

    /// `record.field: library X, kernel Y`.
    public var description: String {
        "\(record)\(field.map { "." + $0 } ?? ""): library \(library), kernel \(kernel)"
    }
}
