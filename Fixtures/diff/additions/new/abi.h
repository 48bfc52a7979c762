/* abigen diff fixture: additions (new). */
#include <linux/types.h>
struct t { __u32 a; };
struct t2 { __u64 z; };
enum t_op { T_OP_NOP, T_OP_READ, T_OP_WRITE };
#define T_FLAG_A 1U
#define T_FLAG_B 2U
