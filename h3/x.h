#define _Static_assert(a,b)
#define OK 7
#define NC (1.5)
