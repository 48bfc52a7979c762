/* Macros whose values depend on which compiler reads the header. */
#if defined(__clang__)
#define TRUST_COMPILER_ID 1
#else
#define TRUST_COMPILER_ID 2
#endif
#define TRUST_GNU_MAJOR __GNUC__
#if __GNUC__ >= 5
#define TRUST_MODERN 1
#else
#define TRUST_MODERN 0
#endif
#define TRUST_PORTABLE 3
