/// How clang is made to look like gcc to the headers: clang's identifying predefined macros are removed
/// and gcc's defined (part of the wrapper, as it names clang's own macros).
enum GCCIdentity {
    /// Predefined-macro changes that make clang look like gcc to the headers (the compiler C code is
    /// usually built with): macros whose value changes under them are compiler-dependent.
    static let arguments = ["-U__clang__", "-U__clang_major__", "-U__clang_minor__", "-U__clang_patchlevel__",
                            "-U__clang_version__", "-D__GNUC__=12", "-D__GNUC_MINOR__=2", "-D__GNUC_PATCHLEVEL__=0",
                            // An unsuffixed decimal literal above LLONG_MAX is `unsigned long long` to clang but
                            // `__int128` to gcc: as an error here, such a macro is reported as compiler-dependent
                            // (only errors count in this unit, so it is parsed without `-w`, which would silence it).
                            "-Werror=implicitly-unsigned-literal"]

    /// The gcc version ``arguments`` imitates.
    static let version = "12.2"
}
