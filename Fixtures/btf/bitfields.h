/* Bitfields of several widths and types, packed into shared storage units. */
typedef unsigned int btf_u32;
typedef unsigned char btf_u8;

struct btf_bits {
    unsigned int a : 3;
    unsigned int b : 5;
    int c : 7;
    btf_u32 d : 17;
    unsigned char e : 2;
    unsigned short f : 9;
    unsigned long long g : 40;
    long long h : 23;
    btf_u8 tail;
};

struct btf_bits_mixed {
    char tag;
    unsigned int flag : 1;
    unsigned int mode : 4;
    short value;
    unsigned int wide : 31;
    _Bool ok : 1;
};
