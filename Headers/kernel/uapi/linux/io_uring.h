/* abigen stand-in: the uapi header, from the tree's include/uapi on the search path. */
#include <linux/io_uring.h>
