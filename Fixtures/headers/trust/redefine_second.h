/* Redefines a macro of redefine_first.h with another value; repeats another identically. */
#define TRUST_REDEFINED (40 + 2)
#define TRUST_SAME 7
