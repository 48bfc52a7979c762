#define int long
#define OK 7
#define BIG 0x7fffffff + 1
