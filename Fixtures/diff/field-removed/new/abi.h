/* abigen diff fixture: field-removed (new). */
#include <linux/types.h>
struct t { __u32 a; __u16 c0; __u16 c1; };
