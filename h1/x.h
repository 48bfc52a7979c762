#define ifdef 1
#define endif 2
#define define 3
#define ifndef 4
#define OK 7
