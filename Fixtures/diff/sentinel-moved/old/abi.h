/* abigen diff fixture: sentinel-moved (old). */
#include <linux/types.h>
enum t_op { T_OP_NOP, T_OP_READ, T_OP_LAST };
