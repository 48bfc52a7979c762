/*
 * abigen's stand-ins for the kernel-internal declarations that io_uring's cmd.h needs,
 * so that a kernel source tree can be parsed (and compiled in a probe) without a
 * configured kernel build. Only what the header mentions is declared; nothing here
 * is taken from the kernel. CONFIG_IO_URING is left undefined, so the header's
 * declaration-only branch is used.
 */
#ifndef ABIGEN_KERNEL_H
#define ABIGEN_KERNEL_H

#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;
typedef __SIZE_TYPE__ size_t;
typedef __PTRDIFF_TYPE__ ssize_t;
typedef _Bool bool;
#define true 1
#define false 0

#ifndef INT_MIN
#define INT_MIN (-__INT_MAX__ - 1)
#endif
#define EOPNOTSUPP 95

struct file;
struct iov_iter;
struct task_struct;

/* The request a command belongs to: only the member cmd.h reads. */
struct io_kiocb { struct task_struct *task; };
#define cmd_to_io_kiocb(cmd) ((struct io_kiocb *)(cmd))

#define BUILD_BUG_ON(cond) ((void)sizeof(char[1 - 2 * !!(cond)]))
#define sizeof_field(type, member) sizeof(((type *)0)->member)
#define lockdep_assert(cond) ((void)0)
#define in_task() 1
#define IOU_F_TWQ_LAZY_WAKE 1

#endif
