/* abigen verify tests: one of each layout construct, with numbers that follow from the C layout rules. */
#ifndef ABIGEN_VERIFY_LAYOUTS_H
#define ABIGEN_VERIFY_LAYOUTS_H

enum vt_mode { VT_MODE_OFF, VT_MODE_ON = 4, VT_MODE_AUTO };
enum vt_level { VT_LEVEL_LOW = -2, VT_LEVEL_HIGH = 2 };

#define VT_ALL (~0U)
#define VT_BIG (1ULL << 40)
#define VT_NEG (-7)
#define VT_LONG 100000L
#define VT_SHIFTED (VT_MODE_ON << 8)

/* An anonymous union holding an anonymous struct, and a zero-length tail. */
struct vt_command {
	unsigned char opcode;
	unsigned char flags;
	unsigned short ioprio;
	int fd;
	union {
		unsigned long long off;
		unsigned long long addr2;
		struct {
			unsigned int cmd_op;
			unsigned int pad1;
		};
	};
	unsigned long long user_data;
	signed char level;
	unsigned char cmd[0];
};

/* A flexible array member. */
struct vt_flex {
	unsigned int count;
	unsigned short items[];
};

/* Bitfields, one of them signed, two inside an anonymous struct inside an anonymous union. */
struct vt_bits {
	unsigned int low : 3;
	unsigned int mid : 7;
	int sgn : 5;
	unsigned char after;
	union {
		unsigned short raw;
		struct {
			unsigned short lo4 : 4, hi4 : 4;
		};
	};
};

struct vt_packed {
	unsigned char tag;
	unsigned long long value;
	unsigned short tail;
} __attribute__((packed));

struct vt_aligned {
	unsigned int word;
} __attribute__((aligned(16)));

/* Alignment of a 64-bit member differs between targets (4 on i386, 8 elsewhere). */
struct vt_wide {
	unsigned char tag;
	unsigned long long value;
};

/* A two-dimensional array, an enum member, a long and a pointer. */
struct vt_arrays {
	short grid[2][3];
	enum vt_mode mode;
	long delta;
	void *ptr;
};

/* A named member of unnamed struct type: reached as `pair.lo`. */
struct vt_nested {
	unsigned int id;
	struct {
		unsigned short lo, hi;
	} pair;
};

typedef struct {
	unsigned short kind;
	unsigned char data[6];
} vt_tagless_t;

#endif
