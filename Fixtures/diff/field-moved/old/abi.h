/* abigen diff fixture: field-moved (old). */
#include <linux/types.h>
struct t { __u32 a; __u32 b; __u64 c; };
