/* A tag and an untagged typedef may share a name: they live in different C name spaces. */
struct trust_bar {
    int x;
};

typedef struct {
    long long y;
    char z;
} trust_bar;

/* The typedef first, then the tag. */
typedef union {
    short s;
} trust_baz;

union trust_baz {
    int i[3];
};
