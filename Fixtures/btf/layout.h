/* Packed and aligned records, and flexible and zero-length arrays. */
struct btf_packed {
    char c;
    int i;
    long long l;
    short s;
} __attribute__((packed));

struct btf_packed_tail {
    int i;
    char c;
} __attribute__((packed));

struct btf_aligned {
    int i;
} __attribute__((aligned(16)));

struct btf_aligned_member {
    char c;
    int wide __attribute__((aligned(32)));
    char after;
};

struct btf_holds_aligned {
    char c;
    struct btf_aligned inner;
};

struct btf_flex {
    unsigned int count;
    unsigned long long items[];
};

struct btf_zero {
    unsigned short len;
    unsigned char data[0];
};

union btf_union {
    char bytes[12];
    int words[3];
    double d;
};
