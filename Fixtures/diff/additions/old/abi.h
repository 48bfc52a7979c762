/* abigen diff fixture: additions (old). */
#include <linux/types.h>
struct t { __u32 a; };
enum t_op { T_OP_NOP, T_OP_READ };
#define T_FLAG_A 1U
