// Loads libclang at run time (dlopen) instead of at process start: the executable has no DT_NEEDED entry
// for libclang or LLVM, so commands that never parse a header do not pay for loading them.
#ifndef ABIGEN_CCLANGLOADER_H
#define ABIGEN_CCLANGLOADER_H

#include <stddef.h>

/// Loads libclang and resolves every clang_ function abigen calls, once per process (thread-safe; later
/// calls repeat the first outcome). Returns 0 when loaded; -1 when not, with the loader's reason copied
/// into `error` (at most `size` bytes, NUL-terminated) when `error` is not NULL.
int abigen_clang_load(char *error, size_t size);

/// The library abigen_clang_load opens: $ABIGEN_LIBCLANG when set and not empty, else the libclang
/// abigen was compiled against.
const char *abigen_clang_library(void);

#endif
