/* abigen diff fixture: constant-removed (old). */
#include <linux/types.h>
#define T_FLAG_A 1U
#define T_FLAG_B 2U
