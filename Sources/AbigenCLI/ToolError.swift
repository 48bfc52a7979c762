/// An error the CLI reports as one line and maps to an exit status.
public struct ToolError: Error, CustomStringConvertible {
    /// The message (already naming the file at fault).
    public var message: String
    /// Exit status: 1 for a failed check, 2 for bad input or environment.
    public var status: Int32
    public init(_ message: String, status: Int32 = 2) { self.message = message; self.status = status }
    public var description: String { message }
}
