/* abigen diff fixture: field-removed (old). */
#include <linux/types.h>
struct t { __u32 a; __u32 b; };
