import ABIModel

/// Known, accepted changes, by name: one rule per line, in the spirit of libabigail's suppression
/// specifications.
///
///     # comment
///     record io_uring_notification_* kind record-removed reason "dropped upstream in 6.2"
///     record io_uring_sqe member rw_flags kind field-type-respelled
///     constant IORING_OP_LAST
///     kind anonymous-member-renumbered
///
/// A rule is `key value` pairs; keys: `record`, `member` (or `field`), `constant` (shell globs: `*`, `?`, `[…]`),
/// `kind` (a change kind from ``ABIDiffer/kinds``, or a glob) and `reason` (a quoted note for reviewers).
/// A change is suppressed when every key of some rule matches it; `record` matches with or without the
/// `struct `/`union ` prefix. Errors name `file:line` and the problem (unknown key or kind, a key without a
/// value or given twice, an unterminated quote, a rule that selects nothing).
public struct Suppressions: Sendable {
    /// One line of the file.
    public struct Rule: Sendable, Equatable {
        public var record: String?
        public var member: String?
        public var constant: String?
        public var kind: String?
        public var reason: String?
        /// The line it came from.
        public var line: Int
    }

    /// The rules, in file order.
    public var rules: [Rule]

    /// A problem in a suppression file, with its place.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var line: Int
        public var message: String
        public var description: String { "\(path):\(line): \(message)" }
    }

    /// Parses the text of a suppression file; `path` names it in errors.
    public static func parse(_ text: String, path: String) throws -> Suppressions {
        var rules: [Rule] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let n = i + 1
            let words = try tokenize(String(raw), path: path, line: n)
            if words.isEmpty { continue }
            guard words.count % 2 == 0 else {
                throw ParseError(path: path, line: n, message: "'\(words.last ?? "")' has no value (a rule is `key value` pairs)")
            }
            var rule = Rule(line: n)
            var seen: Set<String> = []
            for j in stride(from: 0, to: words.count, by: 2) {
                let (key, value) = (words[j], words[j + 1])
                switch key {
                case "record": rule.record = value
                case "member", "field": rule.member = value
                case "constant": rule.constant = value
                case "kind":
                    guard value.contains("*") || value.contains("?") || ABIDiffer.kinds[value] != nil else {
                        throw ParseError(path: path, line: n, message: "unknown change kind '\(value)' (kinds: \(ABIDiffer.kinds.keys.sorted().joined(separator: ", ")))")
                    }
                    rule.kind = value
                case "reason": rule.reason = value
                default:
                    throw ParseError(path: path, line: n, message: "unknown key '\(key)' (use record, member, constant, kind, reason)")
                }
                guard seen.insert(key == "field" ? "member" : key).inserted else {
                    throw ParseError(path: path, line: n, message: "'\(key)' appears twice in one rule")
                }
            }
            guard rule.record != nil || rule.member != nil || rule.constant != nil || rule.kind != nil else {
                throw ParseError(path: path, line: n, message: "a rule needs record, member, constant or kind")
            }
            rules.append(rule)
        }
        return Suppressions(rules: rules)
    }

    /// Splits a line into words; `"…"` quotes, `#` starts a comment.
    static func tokenize(_ line: String, path: String, line n: Int) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inQuotes = false
        var hasWord = false
        for c in line {
            if inQuotes {
                if c == "\"" { inQuotes = false } else { current.append(c) }
                continue
            }
            if c == "#" { break }
            if c == "\"" { inQuotes = true; hasWord = true; continue }
            if c == " " || c == "\t" {
                if hasWord { words.append(current); current = ""; hasWord = false }
                continue
            }
            current.append(c)
            hasWord = true
        }
        if inQuotes { throw ParseError(path: path, line: n, message: "unterminated quote") }
        if hasWord { words.append(current) }
        return words
    }

    /// Marks the changes some rule matches as suppressed.
    public func apply(to changes: [ABIChange]) -> [ABIChange] {
        changes.map { c in
            var c = c
            if rules.contains(where: { $0.matches(c) }) { c.suppressed = true }
            return c
        }
    }
}

extension Suppressions.Rule {
    /// Whether every key of the rule matches the change.
    func matches(_ c: ABIChange) -> Bool {
        func glob(_ pattern: String?, _ value: String?) -> Bool {
            guard let pattern else { return true }
            guard let value else { return false }
            return globMatch(pattern, value)
        }
        if let record {
            guard let r = c.record else { return false }
            let bare = r.hasPrefix("struct ") ? String(r.dropFirst(7)) : r.hasPrefix("union ") ? String(r.dropFirst(6)) : r
            guard globMatch(record, r) || globMatch(record, bare) else { return false }
        }
        return glob(member, c.member) && glob(constant, c.constant) && glob(kind, c.kind)
    }
}
