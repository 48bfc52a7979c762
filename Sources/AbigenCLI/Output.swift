import ABIBackends
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where output goes and how it is written: standard output checked for errors, files replaced atomically.
///
/// `-o PATH` semantics:
/// - `-` (or no `-o`): standard output; a write error (full disk, closed descriptor, broken pipe) is an error.
/// - a path that does not exist, or names a regular file: the data goes to a temporary file in the same
///   directory, which is renamed over PATH (an existing file keeps its permission bits). Readers see the old
///   or the new file, never a partial one, and nothing is left behind on error.
/// - a symbolic link: followed; its final target gets the treatment below (the link stays a link).
/// - a character or block device, or a FIFO: written through (opened for writing, never replaced or created).
/// - a directory, a socket, a dangling symbolic link: refused.
enum OutputFile {
    /// Writes `data` to `path` (see ``OutputFile``); nil or `-` is standard output.
    static func write(_ data: Data, to path: String?) throws {
        try write([data], to: path)
    }

    /// Writes `parts`, one after another, as one output (see ``OutputFile``).
    static func write(_ parts: [Data], to path: String?) throws {
        guard let path, path != "-" else {
            guard standardOutputIsOpen else { throw ToolError("abigen: standard output: cannot write: it is closed") }
            for data in parts { try writeAll(data, fd: STDOUT_FILENO, name: "standard output") }
            return
        }
        try commit(parts, try stage(parts, at: path))
    }

    /// A write prepared but not yet visible: a temporary file to rename, or a device to write through.
    enum Staged {
        /// A regular file: `temporary` holds the data and is renamed to `path` on commit.
        case file(path: String, temporary: String)
        /// A device or FIFO, written when committed.
        case through(path: String)
    }

    /// Prepares writing `data` to `path`: for regular files the data is written to a temporary file beside it.
    static func stage(_ data: Data, at path: String) throws -> Staged {
        try stage([data], at: path)
    }

    /// ``stage(_:at:)`` for output in pieces.
    static func stage(_ parts: [Data], at path: String) throws -> Staged {
        guard !path.isEmpty else { throw ToolError("abigen: -o: empty path") }
        var target = path
        var st = stat()
        if lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK {
            guard let resolved = realpath(path, nil) else {
                // A link that names no path but opens, such as /dev/stdout to a pipe (/proc/self/fd/1 -> pipe:[N]).
                let kind = stat(path, &st) == 0 ? st.st_mode & S_IFMT : 0
                if kind == S_IFIFO || kind == S_IFCHR || kind == S_IFBLK { return .through(path: path) }
                throw ToolError("abigen: \(path): a symbolic link whose target does not exist (refusing to write)")
            }
            target = String(cString: resolved)
            free(resolved)
        }
        var exists = false
        var mode: mode_t = 0
        if stat(target, &st) == 0 {
            exists = true
            mode = st.st_mode
            switch st.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFCHR, S_IFBLK, S_IFIFO: return .through(path: target)
            case S_IFDIR: throw ToolError("abigen: \(path): is a directory")
            default: throw ToolError("abigen: \(path): not a regular file, device or FIFO (refusing to write)")
            }
        } else if errno != ENOENT {
            throw ToolError("abigen: \(path): \(errorText())")
        }
        let url = URL(fileURLWithPath: target)
        let dir = url.deletingLastPathComponent().path
        var dst = stat()
        guard stat(dir, &dst) == 0, (dst.st_mode & S_IFMT) == S_IFDIR else {
            throw ToolError("abigen: \(path): directory \(dir) does not exist")
        }
        var template = Array((dir + "/.\(url.lastPathComponent).abigen-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { throw ToolError("abigen: \(path): cannot create a temporary file in \(dir): \(errorText())") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        InterruptCleanup.register(path: temporary)
        do {
            if exists {
                _ = fchmod(fd, mode & 0o7777)
            } else {
                let mask = umask(0)
                umask(mask)
                _ = fchmod(fd, 0o666 & ~mask)
            }
            for data in parts { try writeAll(data, fd: fd, name: path) }
        } catch {
            close(fd)
            unlink(temporary)
            InterruptCleanup.unregister(path: temporary)
            throw error
        }
        guard close(fd) == 0 else {
            let err = errorText()
            unlink(temporary)
            InterruptCleanup.unregister(path: temporary)
            throw ToolError("abigen: \(path): cannot write: \(err)")
        }
        return .file(path: target, temporary: temporary)
    }

    /// Makes a staged write visible: renames the temporary file into place, or writes through to the device.
    static func commit(_ data: Data, _ staged: Staged) throws {
        try commit([data], staged)
    }

    /// ``commit(_:_:)`` for output in pieces.
    static func commit(_ parts: [Data], _ staged: Staged) throws {
        switch staged {
        case let .file(path, temporary):
            defer { InterruptCleanup.unregister(path: temporary) }
            guard rename(temporary, path) == 0 else {
                let err = errorText()
                unlink(temporary)
                throw ToolError("abigen: \(path): cannot rename the temporary file into place: \(err)")
            }
        case let .through(path):
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw ToolError("abigen: \(path): \(errorText())") }
            defer { close(fd) }
            for data in parts { try writeAll(data, fd: fd, name: path) }
        }
    }

    /// Removes a staged temporary file (a write that is abandoned).
    static func discard(_ staged: Staged) {
        if case let .file(_, temporary) = staged {
            unlink(temporary)
            InterruptCleanup.unregister(path: temporary)
        }
    }

    /// Writes `data` to standard output, reporting a full, closed or broken output as an error.
    static func writeStandardOutput(_ data: Data) throws {
        guard standardOutputIsOpen else { throw ToolError("abigen: standard output: cannot write: it is closed") }
        try writeAll(data, fd: STDOUT_FILENO, name: "standard output")
    }

    /// Writes one line to standard error, unless it was closed when the process started.
    static func writeStandardError(_ line: String) {
        guard standardErrorIsOpen else { return }
        try? writeAll(Data((line + "\n").utf8), fd: STDERR_FILENO, name: "standard error")
    }

    /// False when the process started with descriptor 1 closed. The runtime may then have given the number to
    /// one of its own descriptors (an epoll or event descriptor: an anonymous inode, no file type), which must
    /// never be written to.
    static let standardOutputIsOpen = isOpenStream(STDOUT_FILENO)
    /// As ``standardOutputIsOpen``, for descriptor 2.
    static let standardErrorIsOpen = isOpenStream(STDERR_FILENO)

    /// Whether `fd` is open and is a file, device, pipe or socket (not an anonymous inode).
    static func isOpenStream(_ fd: Int32) -> Bool {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return false }
        return (st.st_mode & S_IFMT) != 0
    }

    /// Writes every byte, retrying short writes and interruptions.
    static func writeAll(_ data: Data, fd: Int32, name: String) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var done = 0
            while done < raw.count {
                guard let base = raw.baseAddress else { return }
                let n = posixWrite(fd, base + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ToolError("abigen: \(name): cannot write: \(errorText())")
                }
                if n == 0 { throw ToolError("abigen: \(name): cannot write: no progress") }
                done += n
            }
        }
    }

    /// The text of `errno`.
    static func errorText() -> String { String(cString: strerror(errno)) }

    /// Reserves descriptors 0, 1 and 2 when the process started with them closed, so no file opened later takes
    /// their number. A closed standard output is replaced by a descriptor that fails every write (read-only
    /// `/dev/null`), so output to it is still reported as an error.
    static func reserveStandardDescriptors() {
        _ = (standardOutputIsOpen, standardErrorIsOpen)   // decided before any descriptor is opened here
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let flags = fd == STDERR_FILENO ? O_WRONLY : O_RDONLY
            let opened = open("/dev/null", flags)
            if opened >= 0 && opened != fd {
                dup2(opened, fd)
                close(opened)
            }
        }
    }
}

/// The C library's `write` (the name is taken inside ``OutputFile``).
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
