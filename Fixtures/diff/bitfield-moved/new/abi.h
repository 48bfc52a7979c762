/* abigen diff fixture: bitfield-moved (new). */
#include <linux/types.h>
struct t { __u32 a : 4, b : 5; };
