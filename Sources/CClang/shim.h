// The libclang C API, from Debian's libclang-dev (found by Package.swift). Declarations only: abigen does
// not link libclang; Sources/CClangLoader defines the functions it calls and loads the library on first use.
#include <clang-c/Index.h>
#include <clang-c/CXString.h>
