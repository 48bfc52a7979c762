/*
 * The few things Swift cannot do directly for an io_uring: the raw system calls and the
 * acquire/release accesses to the ring indexes. No io_uring structure or constant is declared
 * here: every layout comes from abigen's generated Swift (IoUring/Generated/IoUringABI.swift).
 */
#ifndef CIOURINGSYS_H
#define CIOURINGSYS_H

#include <stdint.h>

/* io_uring_setup(2): returns the ring fd, or -errno. `params` points at a struct io_uring_params. */
int ciouring_setup(uint32_t entries, void *params);

/* io_uring_enter(2) without a signal mask: returns the number submitted, or -errno. */
int ciouring_enter(int fd, uint32_t to_submit, uint32_t min_complete, uint32_t flags);

/* A 32-bit ring index read with acquire ordering. */
uint32_t ciouring_load_acquire(const void *p);

/* A 32-bit ring index written with release ordering. */
void ciouring_store_release(void *p, uint32_t value);

#endif
