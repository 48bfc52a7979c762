/* 128-bit integer macros: the model holds 64 bits, so these must be skipped, not truncated. */
#define TRUST_U128_HIGH (((unsigned __int128)1) << 100)
#define TRUST_I128_SMALL ((__int128)5)
#define TRUST_PLAIN_64 0x123456789abcdef0ULL
