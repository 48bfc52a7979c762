// Loads libclang at run time (dlopen) instead of at process start: the executable has no DT_NEEDED entry
// for libclang or LLVM, so commands that never parse a header do not pay for loading them.
#ifndef ABIGEN_CCLANGLOADER_H
#define ABIGEN_CCLANGLOADER_H

#include <stddef.h>

/// Loads libclang and resolves every clang_ function abigen calls, once per process (thread-safe; later
/// calls repeat the first outcome). Returns 0 when loaded; -1 when not, with the loader's reason copied
/// into `error` (at most `size` bytes, NUL-terminated) when `error` is not NULL.
int abigen_clang_load(char *error, size_t size);

/// Starts abigen_clang_load on a thread of its own and returns at once (call it once, early, from one thread):
/// the load's page faults and relocations overlap the caller's work. The outcome, failure included, is kept
/// for the next abigen_clang_load, which reports it; the preload itself never prints. The process waits for
/// the preload at exit.
void abigen_clang_preload(void);

/// The library abigen_clang_load opens: $ABIGEN_LIBCLANG (read at the first call) when set and not empty,
/// else the libclang abigen was compiled against.
const char *abigen_clang_library(void);

#endif
