/* abigen diff fixture: constant-removed (new). */
#include <linux/types.h>
#define T_FLAG_A 1U
