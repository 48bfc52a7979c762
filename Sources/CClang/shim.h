// The libclang C API, from Debian's libclang-dev (found by Package.swift).
#include <clang-c/Index.h>
#include <clang-c/CXString.h>
