/// The JSON form of ``ABISource`` (key `source` of a version 2 snapshot): an object whose `kind` is
/// `headers` or `btf`. See Documentation/Snapshot.md.
extension ABISource: Codable {
    enum Keys: String, CodingKey { case kind, path, selection }
    enum Kind: String, Codable { case headers, btf }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        switch try c.decode(Kind.self, forKey: .kind) {
        case .headers: self = .headers(try HeaderSource(from: decoder))
        case .btf: self = .btf(BTFSource(path: try c.decode(String.self, forKey: .path),
                                          selection: try c.decodeIfPresent(BTFSource.Selection.self, forKey: .selection)))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .headers(let h):
            try c.encode(Kind.headers, forKey: .kind)
            try h.encode(to: encoder)
        case .btf(let b):
            try c.encode(Kind.btf, forKey: .kind)
            try c.encode(b.path, forKey: .path)
            try c.encodeIfPresent(b.selection, forKey: .selection)
        }
    }
}

extension HeaderSource: Codable {
    enum Keys: String, CodingKey { case includeDirectories, headers, preludeHeaders, target, arguments, kernelTree, selection }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(includeDirectories: try c.decode([Directory].self, forKey: .includeDirectories),
                  headers: try c.decode([String].self, forKey: .headers),
                  preludeHeaders: try c.decode([String].self, forKey: .preludeHeaders),
                  target: try c.decodeIfPresent(String.self, forKey: .target),
                  extraArguments: try c.decode([String].self, forKey: .arguments),
                  kernelTree: try c.decodeIfPresent(KernelTree.self, forKey: .kernelTree),
                  selection: try c.decodeIfPresent(Selection.self, forKey: .selection))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(includeDirectories, forKey: .includeDirectories)
        try c.encode(headers, forKey: .headers)
        try c.encode(preludeHeaders, forKey: .preludeHeaders)
        try c.encodeIfPresent(target, forKey: .target)
        try c.encode(extraArguments, forKey: .arguments)
        try c.encodeIfPresent(kernelTree, forKey: .kernelTree)
        try c.encodeIfPresent(selection, forKey: .selection)
    }
}
