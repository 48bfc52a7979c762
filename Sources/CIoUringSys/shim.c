#include "CIoUringSys.h"

#include <errno.h>
#include <sys/eventfd.h>
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

int ciouring_enter_arg(int fd, uint32_t to_submit, uint32_t min_complete, uint32_t flags, const void *arg, size_t size) {
    long r = syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, arg, size);
    return r < 0 ? -errno : (int)r;
}

int ciouring_register(int fd, uint32_t opcode, const void *arg, uint32_t nr_args) {
    long r = syscall(__NR_io_uring_register, fd, opcode, arg, nr_args);
    return r < 0 ? -errno : (int)r;
}

int ciouring_eventfd(unsigned int initval, int flags) {
    int r = eventfd(initval, flags);
    return r < 0 ? -errno : r;
}
