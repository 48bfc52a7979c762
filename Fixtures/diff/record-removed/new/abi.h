/* abigen diff fixture: record-removed (new). */
#include <linux/types.h>
struct t { __u32 a; };
