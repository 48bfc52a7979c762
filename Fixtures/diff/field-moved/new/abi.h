/* abigen diff fixture: field-moved (new). */
#include <linux/types.h>
struct t { __u32 a; __u32 x; __u32 b; __u32 y; __u64 c; };
