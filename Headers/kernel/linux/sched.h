/* abigen stand-in: see abigen_kernel.h. */
#include "../abigen_kernel.h"
