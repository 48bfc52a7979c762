/* abigen diff fixture: anonymous-member-renumbered (new). */
#include <linux/types.h>
struct t { __u8 op; union { __u32 a1; __u32 a2; }; union { __u32 len; __u32 optlen; }; union { __u64 addr3; __u64 cmd; }; };
