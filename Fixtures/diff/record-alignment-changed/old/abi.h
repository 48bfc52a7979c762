/* abigen diff fixture: record-alignment-changed (old). */
#include <linux/types.h>
struct t { __u32 a; __u32 b; };
