#include "CIoUringSys.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

int ciouring_setup(uint32_t entries, void *params) {
    long r = syscall(__NR_io_uring_setup, entries, params);
    return r < 0 ? -errno : (int)r;
}

int ciouring_enter(int fd, uint32_t to_submit, uint32_t min_complete, uint32_t flags) {
    long r = syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, (void *)0, (size_t)0);
    return r < 0 ? -errno : (int)r;
}

uint32_t ciouring_load_acquire(const void *p) {
    return __atomic_load_n((const uint32_t *)p, __ATOMIC_ACQUIRE);
}

void ciouring_store_release(void *p, uint32_t value) {
    __atomic_store_n((uint32_t *)p, value, __ATOMIC_RELEASE);
}
