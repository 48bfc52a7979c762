/* abigen diff fixture: field-renamed (old). */
#include <linux/types.h>
struct t { __u32 a; __u32 cmd; };
