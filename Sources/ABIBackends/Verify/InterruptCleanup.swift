import ABIModel
import Foundation
import Synchronization

/// Temporary files, directories and child processes that must not outlive an interrupted run: `abigen verify`'s
/// probe directory and its compiler, a half-written output file. The command line's SIGINT/SIGTERM handlers call ``cleanUp()`` before exiting.
public enum InterruptCleanup {
    /// What is registered now.
    struct State: Sendable {
        var paths: Set<String> = []
        var children: Set<Int32> = []
    }
    private static let state = Locked(State())

    /// Registers a file or directory (a whole tree) to remove if the process is interrupted.
    public static func register(path: String) { state.withLock { _ = $0.paths.insert(path) } }
    /// Forgets a path (removed, renamed into place, or handed to the user).
    public static func unregister(path: String) { state.withLock { _ = $0.paths.remove(path) } }
    /// Registers a running child process (the leader of its own process group, as Foundation starts children)
    /// to kill with its group if the process is interrupted.
    public static func register(child pid: Int32) { state.withLock { _ = $0.children.insert(pid) } }
    /// Forgets a child process that has exited.
    public static func unregister(child pid: Int32) { state.withLock { _ = $0.children.remove(pid) } }

    /// Terminates the registered children and removes the registered paths.
    public static func cleanUp() {
        let now = state.withLock { s in
            defer { s = State() }
            return s
        }
        for pid in now.children.sorted() {
            if killpg(pid, SIGKILL) != 0 { kill(pid, SIGKILL) }
        }
        for path in now.paths.sorted() { remove(path) }
    }

    /// Removes a file or directory tree, retrying while a dying child may still be writing into it.
    static func remove(_ dir: String) {
        let fm = FileManager.default
        for attempt in 0..<20 {
            try? fm.removeItem(atPath: dir)
            var st = stat()
            if lstat(dir, &st) != 0 { return }
            if attempt > 0 { usleep(50_000) }
        }
    }
}
