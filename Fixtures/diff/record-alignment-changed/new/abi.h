/* abigen diff fixture: record-alignment-changed (new). */
#include <linux/types.h>
struct t { __u32 a; __u32 b; } __attribute__((aligned(8)));
