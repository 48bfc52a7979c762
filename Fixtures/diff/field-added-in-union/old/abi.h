/* abigen diff fixture: field-added-in-union (old). */
#include <linux/types.h>
struct t { __u32 a; union { __u64 off; __u64 addr2; }; };
