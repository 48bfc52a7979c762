/* A small submission-entry-like record written for abigen's tests (version 1). */
#ifndef MINI_SQE_H
#define MINI_SQE_H
#include <linux/types.h>

enum mini_op { MINI_OP_NOP, MINI_OP_READ, MINI_OP_WRITE, MINI_OP_LAST };

#define MINI_F_FIXED (1U << 0)
#define MINI_F_LINK (1U << 2)

struct mini_sqe {
	__u8 opcode;
	__u8 flags;
	__u16 prio;
	__s32 fd;
	union { __u64 off; __u64 addr2; };
	__u64 addr;
	__u32 len;
	union { __u32 rw_flags; __u32 poll_events; };
	__u64 user_data;
	union { __u16 buf_index; __u16 buf_group; } __attribute__((packed));
	__u16 personality;
	__s32 file_index;
	union {
		struct { __u64 addr3; __u64 pad2[1]; };
		__u8 cmd[0];
	};
};
#endif
