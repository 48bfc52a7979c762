/* abigen diff fixture: record-size-changed (new). */
#include <linux/types.h>
struct t { __u32 a; __u32 b; __u32 c; };
