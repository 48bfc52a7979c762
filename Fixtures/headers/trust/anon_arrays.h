/* Arrays whose element is an unnamed struct or union (kvm_ioapic_state.redirtbl style). */
struct trust_table {
    unsigned int count;
    union {
        unsigned long long bits;
        struct {
            unsigned char vector;
            unsigned char mode : 3;
            unsigned char level : 1;
            unsigned char reserved : 4;
            unsigned short pad;
            union {
                unsigned int word;
                unsigned char bytes[4];
            };
        } fields;
    } entries[5];
    struct {
        unsigned short x, y;
    } points[2][3];
    struct {
        struct {
            unsigned char a;
            unsigned int b;
        } cells[4];
    } nested;
};
