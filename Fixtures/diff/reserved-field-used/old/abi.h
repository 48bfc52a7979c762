/* abigen diff fixture: reserved-field-used (old). */
#include <linux/types.h>
struct t { __u64 addr; __u32 len; __u32 resv1; __u64 resv2[2]; };
