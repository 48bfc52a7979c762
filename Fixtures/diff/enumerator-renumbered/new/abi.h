/* abigen diff fixture: enumerator-renumbered (new). */
#include <linux/types.h>
enum t_op { T_OP_NOP, T_OP_OPEN, T_OP_READ, T_OP_WRITE };
