#define static
#define OK 7
#define BIG 5000000000
