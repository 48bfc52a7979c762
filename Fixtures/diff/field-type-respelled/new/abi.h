/* abigen diff fixture: field-type-respelled (new). */
#include <linux/types.h>
struct t { __u32 a; __u32 rw_flags; };
