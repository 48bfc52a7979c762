/* Alignments Swift cannot give a struct, used inside records it can (abigen's emitter tests). */
#ifndef ABIGEN_EMITTER_PACKED_H
#define ABIGEN_EMITTER_PACKED_H

struct line64 { unsigned int x; } __attribute__((aligned(64)));

struct holder {
	unsigned char tag;
	struct line64 line;
	unsigned int after;
} __attribute__((packed));

struct holder_array {
	unsigned short n;
	struct line64 lines[2];
} __attribute__((packed));

struct wide16 { unsigned long long a; } __attribute__((aligned(16)));

struct uses_wide16 {
	unsigned char tag;
	struct wide16 w;
};

#endif
