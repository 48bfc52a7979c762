/* abigen diff fixture: record-removed (old). */
#include <linux/types.h>
struct t { __u32 a; }; struct gone { __u64 x; };
