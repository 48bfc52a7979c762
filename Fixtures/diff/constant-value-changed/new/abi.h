/* abigen diff fixture: constant-value-changed (new). */
#include <linux/types.h>
#define T_SIZE 128
