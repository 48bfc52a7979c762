/* abigen diff fixture: field-type-respelled (old). */
#include <linux/types.h>
typedef int t_rwf_t;
struct t { __u32 a; t_rwf_t rw_flags; };
