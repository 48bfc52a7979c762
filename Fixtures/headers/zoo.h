/* A header written for abigen's tests: one of every layout construct the generator must handle. */
#ifndef ABIGEN_TEST_ZOO_H
#define ABIGEN_TEST_ZOO_H

typedef unsigned int zoo_u32;
typedef zoo_u32 zoo_flags_t;            /* a typedef chain down to unsigned int */
typedef signed char zoo_s8;

enum zoo_color { ZOO_RED, ZOO_GREEN = 5, ZOO_BLUE };
enum { ZOO_ANON_A = -3, ZOO_ANON_B = 0x7fffffff };

#define ZOO_FLAG_A (1U << 3)
#define ZOO_NEG (-42)
#define ZOO_BIG (1ULL << 40)
#define ZOO_ALL (~0U)
#define ZOO_LONG 123456789L
#define ZOO_EXPR (ZOO_FLAG_A | ZOO_BLUE)
#define ZOO_STRING "not a number"
#define ZOO_CALL(x) ((x) + 1)
#define ZOO_EMPTY

struct zoo_bits {
	unsigned int a : 3;
	unsigned int b : 5;
	signed int c : 4;
	unsigned int : 0;
	unsigned short d : 9;
	unsigned char e;
};

struct zoo_packed {
	unsigned char tag;
	unsigned long long value;
	unsigned short tail;
} __attribute__((packed));

struct zoo_aligned {
	unsigned char tag;
	unsigned int value __attribute__((aligned(8)));
} __attribute__((aligned(16)));

struct zoo_inner { zoo_s8 x; short y; };

struct zoo_outer {
	zoo_flags_t flags;
	struct zoo_inner inner;
	struct zoo_inner pair[2];
	union {
		unsigned long long wide;
		struct { unsigned int lo, hi; };
		struct { unsigned short q[4]; } quarters;
	};
	union {
		int s;
		enum zoo_color color;
	};
	long long matrix[2][3];
	void *ptr;
	double ratio;
	unsigned char tail[0];
};

struct zoo_flex {
	unsigned int count;
	unsigned short items[];
};

typedef struct {
	unsigned short kind;
	unsigned char data[6];
} zoo_typedefed_t;

union zoo_union {
	unsigned int word;
	unsigned char bytes[4];
	zoo_s8 small;
};

#endif
