/*
 * abigen's own declaration of the layout of the kernel-internal struct io_uring_cmd,
 * the per-request state a uring_cmd driver receives (Linux defines it in
 * include/linux/io_uring/cmd.h since 6.3, and in include/linux/io_uring.h before).
 *
 * Describes Linux 6.12 (checked) and 6.1 (same offsets): file pointer, SQE pointer, task-work callback,
 * the 32-bit command opcode and flags, then 32 bytes of driver scratch space (pdu).
 * (6.1 differs only in names: a `cmd` pointer instead of `sqe`, and the callback in an
 * anonymous union with a `cookie` pointer; the offsets are the same.)
 *
 * The test suite checks this declaration against a real 6.12 tree (--kernel-tree), so it
 * cannot drift silently. Written for abigen; not taken from the kernel.
 */
#ifndef ABIGEN_IO_URING_CMD_H
#define ABIGEN_IO_URING_CMD_H

#include <linux/types.h>

struct file;
struct io_uring_sqe;

/* Kernel-internal uring_cmd flag: the command may be cancelled (upper 8 bits are kernel-only). */
#define IORING_URING_CMD_CANCELABLE (1U << 30)

struct io_uring_cmd {
	struct file *file;
	const struct io_uring_sqe *sqe;
	void (*task_work_cb)(struct io_uring_cmd *cmd, unsigned issue_flags);
	__u32 cmd_op;
	__u32 flags;
	__u8 pdu[32];
};

#endif
