/* Anonymous unions and structs, named members of unnamed type, typedef'd anonymous records. */
typedef unsigned long long btf_u64;

struct btf_anon {
    int kind;
    union {
        btf_u64 addr;
        struct {
            unsigned int lo;
            unsigned int hi;
        };
        union {
            short s;
            char c[8];
        };
    };
    struct {
        int x;
        union {
            int y;
            float fy;
        };
        struct {
            short z;
        } deep;
    } named;
    union {
        double d;
        void *p;
    };
    const char *name;
    struct btf_anon *next;
    void (*callback)(struct btf_anon *, unsigned int, ...);
    int (*table)[4];
    int *pointers[2];
    char *const fixed;
    volatile int counter;
    enum { BTF_ANON_ON = 1, BTF_ANON_OFF = 2 } state;
};

typedef struct {
    int first;
    union {
        int second;
        unsigned third;
    };
} btf_pair;

typedef union {
    int i;
    float f;
} btf_number;

struct btf_holder {
    btf_pair pair;
    btf_number number;
    struct btf_anon anon;
    const struct btf_anon copies[2];
    int grid[2][3];
};

/* An array of anonymous unions whose element holds an array of anonymous structs: the outer element is a
   record of its own, the inner array only bytes (its C name would need a __typeof__ inside a __typeof__). */
struct btf_nested_arrays {
    union {
        struct {
            int x;
            short y;
        } in[2];
        long wide;
    } arr[3][2];
    int tail;
};
