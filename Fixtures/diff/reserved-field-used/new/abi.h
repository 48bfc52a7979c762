/* abigen diff fixture: reserved-field-used (new). */
#include <linux/types.h>
struct t { __u64 addr; __u32 len; __u32 flags; __u64 user_addr; __u64 resv2; };
