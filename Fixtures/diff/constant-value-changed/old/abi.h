/* abigen diff fixture: constant-value-changed (old). */
#include <linux/types.h>
#define T_SIZE 64
