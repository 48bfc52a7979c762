/* abigen test input: a bitfield whose type is an unnamed enum (BTF spells it `enum <unnamed>`). */
struct rt_flags {
    enum { RT_A, RT_B, RT_C } kind : 4;
    unsigned int rest : 28;
};
/* Every type used, so that the object's BTF describes them. */
struct rt_flags rt_use;
