/* abigen diff fixture: field-added-in-union (new). */
#include <linux/types.h>
struct t { __u32 a; union { __u64 off; __u64 addr2; struct { __u32 level; __u32 optname; }; }; };
