// Trampolines for the libclang C API: each clang_ function abigen calls is defined here and calls the
// library's own through a pointer resolved once with dlsym. The definitions are hidden, so they bind
// abigen's calls at link time and never interpose on libclang's calls to itself.
#include "CClangLoader.h"

// Without it, Index.h declares every function with default visibility, which the hidden definitions contradict.
#define CINDEX_NO_EXPORTS
#include <clang-c/Index.h>
#include <dlfcn.h>
#include <errno.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ABIGEN_LIBCLANG_PATH
#error "ABIGEN_LIBCLANG_PATH (the libclang.so to load) is defined by Package.swift"
#endif

#define HIDDEN __attribute__((visibility("hidden")))

// One pointer per function, set only when every function resolved.
#define CLANG_FN(RET, NAME, PARAMS, ARGS) static RET(*p_##NAME) PARAMS;
#define CLANG_VOID(NAME, PARAMS, ARGS) static void(*p_##NAME) PARAMS;
#include "functions.h"
CLANG_FN(CXIndex, clang_createIndex, (int, int), ())
CLANG_FN(CXString, clang_getClangVersion, (void), ())
CLANG_FN(const char *, clang_getCString, (CXString), ())
CLANG_VOID(clang_disposeString, (CXString), ())
#undef CLANG_FN
#undef CLANG_VOID

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static char failure[1024];
static const char *library;

static pthread_once_t named = PTHREAD_ONCE_INIT;
static const char *chosen;

static void choose_library(void) {
    const char *override = getenv("ABIGEN_LIBCLANG");
    chosen = override != NULL && override[0] != '\0' ? override : ABIGEN_LIBCLANG_PATH;
}

const char *abigen_clang_library(void) {
    pthread_once(&named, choose_library);
    return chosen;
}

// Resolves one symbol into `slot`; on failure records dlerror's text and returns 0.
static int resolve(void *handle, const char *name, void **slot) {
    dlerror();
    void *symbol = dlsym(handle, name);
    const char *why = dlerror();
    if (symbol == NULL) {
        snprintf(failure, sizeof failure, "%s", why != NULL ? why : "undefined symbol");
        return 0;
    }
    *slot = symbol;
    return 1;
}

static void load_once(void) {
    library = abigen_clang_library();
    // The library is named by a path, never a bare name the loader would search for (it could find a FIFO
    // there), and must be a regular file: dlopen would block for ever opening a FIFO, and read a device
    // without end.
    if (strchr(library, '/') == NULL) {
        snprintf(failure, sizeof failure, "not a path (ABIGEN_LIBCLANG names the library file, e.g. /usr/lib/llvm-14/lib/libclang.so)");
        return;
    }
    {
        struct stat info;
        if (stat(library, &info) != 0) {
            snprintf(failure, sizeof failure, "cannot open shared object file: %s", strerror(errno));
            return;
        }
        if (!S_ISREG(info.st_mode)) {
            snprintf(failure, sizeof failure, "not a regular file (a FIFO or device would block or never end)");
            return;
        }
    }
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "%s", why != NULL ? why : "dlopen failed");
        return;
    }
    // Resolved into a local table first: the trampolines' pointers are set all together, or none.
    struct {
#define CLANG_FN(RET, NAME, PARAMS, ARGS) void *NAME;
#define CLANG_VOID(NAME, PARAMS, ARGS) void *NAME;
#include "functions.h"
        void *clang_createIndex, *clang_getClangVersion, *clang_getCString, *clang_disposeString;
#undef CLANG_FN
#undef CLANG_VOID
    } found;
    int ok = 1;
#define CLANG_FN(RET, NAME, PARAMS, ARGS) ok = ok && resolve(handle, #NAME, &found.NAME);
#define CLANG_VOID(NAME, PARAMS, ARGS) CLANG_FN(void, NAME, PARAMS, ARGS)
#include "functions.h"
    CLANG_FN(, clang_createIndex, , ) CLANG_FN(, clang_getClangVersion, , )
    CLANG_FN(, clang_getCString, , ) CLANG_FN(, clang_disposeString, , )
#undef CLANG_FN
#undef CLANG_VOID
    if (!ok) {
        dlclose(handle);
        return;
    }
    // POSIX guarantees a data pointer from dlsym converts to a function pointer; memcpy says so in ISO C.
#define CLANG_FN(RET, NAME, PARAMS, ARGS) memcpy(&p_##NAME, &found.NAME, sizeof p_##NAME);
#define CLANG_VOID(NAME, PARAMS, ARGS) CLANG_FN(void, NAME, PARAMS, ARGS)
#include "functions.h"
    CLANG_FN(, clang_createIndex, , ) CLANG_FN(, clang_getClangVersion, , )
    CLANG_FN(, clang_getCString, , ) CLANG_FN(, clang_disposeString, , )
#undef CLANG_FN
#undef CLANG_VOID
    loaded = 1;
}

int abigen_clang_load(char *error, size_t size) {
    pthread_once(&once, load_once);
    if (loaded) return 0;
    if (error != NULL && size > 0) snprintf(error, size, "%s", failure);
    return -1;
}

static pthread_t preloader;
static int preloading;   // set (atomically) once `preloader` runs; read at exit, possibly on another thread

static void *preload_main(void *unused) {
    (void)unused;
    pthread_once(&once, load_once);
    return NULL;
}

// Runs at exit: the process does not exit (running the libraries' destructors) while the preload is in dlopen.
static void join_preloader(void) {
    if (__atomic_load_n(&preloading, __ATOMIC_ACQUIRE)) pthread_join(preloader, NULL);
}

void abigen_clang_preload(void) {
    if (__atomic_load_n(&preloading, __ATOMIC_ACQUIRE) || atexit(join_preloader) != 0) return;
    // The library's name is read here, before the thread starts: the preload never reads the environment, which
    // the caller's threads may change meanwhile.
    (void)abigen_clang_library();
    if (pthread_create(&preloader, NULL, preload_main, NULL) == 0) __atomic_store_n(&preloading, 1, __ATOMIC_RELEASE);
}

// Every object of the API comes from one of these two entry points, which load the library first.
HIDDEN CXIndex clang_createIndex(int excludePCH, int displayDiagnostics) {
    if (abigen_clang_load(NULL, 0) != 0) return NULL;
    return p_clang_createIndex(excludePCH, displayDiagnostics);
}

HIDDEN CXString clang_getClangVersion(void) {
    if (abigen_clang_load(NULL, 0) != 0) return (CXString){NULL, 0};
    return p_clang_getClangVersion();
}

// The placeholder string above (library not loaded) has no text and nothing to free.
HIDDEN const char *clang_getCString(CXString string) {
    return p_clang_getCString != NULL ? p_clang_getCString(string) : NULL;
}

HIDDEN void clang_disposeString(CXString string) {
    if (p_clang_disposeString != NULL) p_clang_disposeString(string);
}

#define CLANG_FN(RET, NAME, PARAMS, ARGS) HIDDEN RET NAME PARAMS { return p_##NAME ARGS; }
#define CLANG_VOID(NAME, PARAMS, ARGS) HIDDEN void NAME PARAMS { p_##NAME ARGS; }
#include "functions.h"
#undef CLANG_FN
#undef CLANG_VOID
