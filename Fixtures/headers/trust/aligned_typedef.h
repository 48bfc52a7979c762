/* An untagged struct whose typedef raises the alignment (as glibc's __pthread_unwind_buf_t does). */
typedef struct {
    long words[13];
} trust_aligned_buf __attribute__((aligned(16)));

typedef union {
    int i;
    char c[6];
} trust_aligned_union __attribute__((__aligned__(32)));

/* A plain untagged typedef: its layout is the struct's. */
typedef struct {
    char c;
    short s;
} trust_plain;
