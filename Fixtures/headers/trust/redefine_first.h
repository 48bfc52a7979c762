/* Defines a macro that redefine_second.h redefines. */
#define TRUST_REDEFINED (1 + 1)
#define TRUST_SAME 7
