/* Records and members whose C names Swift cannot use as they are (abigen's emitter tests). */
#ifndef ABIGEN_EMITTER_NAMES_H
#define ABIGEN_EMITTER_NAMES_H

struct protocol { unsigned int a; };
struct self { unsigned short b; unsigned char c; };
struct Any { unsigned long long d; };
struct UInt64 { unsigned int lo, hi; };
struct ABIField { int name; int offset; };
struct ABILayout { unsigned char storage[3]; };
struct Type { int t; };
struct Int { short i; };
struct Swift { char s; };
struct init { int x; };
struct InlineArray { struct UInt64 u; };

/* Renaming a reserved member must not collide with a real one. */
struct twins {
	unsigned int size;
	unsigned int size_;
	unsigned short storage;
	unsigned short storage_;
	unsigned char abiLoad;
	unsigned char alignment;
	unsigned char self;
	unsigned char Type;
};

/* A tag and an ordinary identifier of the same spelling are two C names, one Swift name. */
struct clash { unsigned int value; };
enum { clash = 3, twins = 4 };
enum Sendable { rawValue = 1, hashValue = 2, init = 3 };

#endif
