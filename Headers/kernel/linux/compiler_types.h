/*
 * abigen stand-in. The uapi headers of an uninstalled kernel tree include this file;
 * `make headers_install` strips that line and the sparse annotations below, so for
 * parsing a tree's include/uapi directly they expand to nothing.
 */
#ifndef ABIGEN_COMPILER_TYPES_H
#define ABIGEN_COMPILER_TYPES_H
#define __user
#define __force
#define __iomem
#endif
