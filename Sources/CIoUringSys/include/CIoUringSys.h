/*
 * The few things Swift cannot do directly for an io_uring: the raw system calls and the
 * acquire/release accesses to the ring indexes. No io_uring structure or constant is declared
 * here: every layout comes from abigen's generated Swift (IoUring/Generated/IoUringABI.swift).
 */
#ifndef CIOURINGSYS_H
#define CIOURINGSYS_H

#include <stddef.h>
#include <stdint.h>

/* io_uring_setup(2): returns the ring fd, or -errno. `params` points at a struct io_uring_params. */
int ciouring_setup(uint32_t entries, void *params);

/* io_uring_enter(2) without a signal mask: returns the number submitted, or -errno. */
int ciouring_enter(int fd, uint32_t to_submit, uint32_t min_complete, uint32_t flags);

/* io_uring_enter(2) with its argument pointer and size (IORING_ENTER_EXT_ARG): the count, or -errno. */
int ciouring_enter_arg(int fd, uint32_t to_submit, uint32_t min_complete, uint32_t flags, const void *arg, size_t size);

/* io_uring_register(2): the call's result, or -errno. */
int ciouring_register(int fd, uint32_t opcode, const void *arg, uint32_t nr_args);

/* eventfd(2) (Glibc's Swift module does not export it): the fd, or -errno. `flags` as EFD_* (= O_*). */
int ciouring_eventfd(unsigned int initval, int flags);

/* The ring-index accesses are inline so Swift callers compile them to single instructions. */

/* A 32-bit ring index read with acquire ordering. */
static inline uint32_t ciouring_load_acquire(const void *p) {
    return __atomic_load_n((const uint32_t *)p, __ATOMIC_ACQUIRE);
}

/* A 32-bit ring word read without ordering (still a single atomic access). */
static inline uint32_t ciouring_load_relaxed(const void *p) {
    return __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
}

/* A 32-bit ring index written with release ordering. */
static inline void ciouring_store_release(void *p, uint32_t value) {
    __atomic_store_n((uint32_t *)p, value, __ATOMIC_RELEASE);
}

/* A full (sequentially consistent) fence: orders the SQ tail store before the SQ flags load for SQPOLL. */
static inline void ciouring_full_fence(void) {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#endif
