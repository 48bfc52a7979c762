/* abigen diff fixture: bitfield-moved (old). */
#include <linux/types.h>
struct t { __u32 a : 3, b : 5; };
