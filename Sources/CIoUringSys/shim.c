#include "CIoUringSys.h"

#include <errno.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

int ciouring_setup(uint32_t entries, void *params) {
    long r = syscall(__NR_io_uring_setup, entries, params);
    return r < 0 ? -errno : (int)r;
}

#if defined(__x86_64__)
/* The raw system call instruction (as liburing does): no errno, no variadic libc wrapper. */
static inline long raw_syscall6(long n, long a, long b, long c, long d, long e, long f) {
    long r;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
    return r;
}
#define ENTER(fd, a, b, c, arg, size) \
    raw_syscall6(__NR_io_uring_enter, (long)(fd), (long)(a), (long)(b), (long)(c), (long)(arg), (long)(size))
#define ENTER_RESULT(r) ((int)(r))
#else
#define ENTER(fd, a, b, c, arg, size) syscall(__NR_io_uring_enter, fd, a, b, c, arg, size)
#define ENTER_RESULT(r) ((r) < 0 ? -errno : (int)(r))
#endif

int ciouring_enter(int fd, uint32_t to_submit, uint32_t min_complete, uint32_t flags) {
    long r = ENTER(fd, to_submit, min_complete, flags, (void *)0, (size_t)0);
    return ENTER_RESULT(r);
}

int ciouring_enter_arg(int fd, uint32_t to_submit, uint32_t min_complete, uint32_t flags, const void *arg, size_t size) {
    long r = ENTER(fd, to_submit, min_complete, flags, arg, size);
    return ENTER_RESULT(r);
}

int ciouring_register(int fd, uint32_t opcode, const void *arg, uint32_t nr_args) {
    long r = syscall(__NR_io_uring_register, fd, opcode, arg, nr_args);
    return r < 0 ? -errno : (int)r;
}

int ciouring_eventfd(unsigned int initval, int flags) {
    int r = eventfd(initval, flags);
    return r < 0 ? -errno : r;
}
