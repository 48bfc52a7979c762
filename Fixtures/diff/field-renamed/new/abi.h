/* abigen diff fixture: field-renamed (new). */
#include <linux/types.h>
struct t { __u32 a; __u32 sqe; };
