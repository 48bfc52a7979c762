/* Enums of every size and sign BTF encodes (ENUM and ENUM64). */
enum btf_small { BTF_SMALL_A, BTF_SMALL_B = 5, BTF_SMALL_C };
enum btf_negative { BTF_NEG_MINUS = -3, BTF_NEG_ZERO = 0, BTF_NEG_MAX = 2147483647 };
enum btf_unsigned32 { BTF_U32_HIGH = 0x80000000u, BTF_U32_MAX = 0xffffffffu };
enum btf_big { BTF_BIG_ONE = 1, BTF_BIG_HIGH = 0x100000000ull, BTF_BIG_TOP = 0xffffffffffffffffull };
enum btf_big_signed { BTF_BIGS_MIN = -0x7fffffffffffffffll - 1, BTF_BIGS_MAX = 0x7fffffffffffffffll };

struct btf_enum_user {
    enum btf_small small;
    enum btf_negative negative;
    enum btf_unsigned32 u32;
    enum btf_big big;
    enum btf_big_signed bigs;
    enum btf_small bits : 3;
};
