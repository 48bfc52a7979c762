/* An array of anonymous structs with bitfields, and of an anonymous union (abigen's emitter tests). */
#ifndef ABIGEN_EMITTER_ANONARRAY_H
#define ABIGEN_EMITTER_ANONARRAY_H

struct ioapic_like {
	unsigned long long base;
	unsigned int id;
	unsigned int pad;
	union {
		unsigned long long bits;
		struct {
			unsigned char vector;
			unsigned char delivery_mode:3;
			unsigned char dest_mode:1;
			unsigned char pad0:4;
			unsigned char reserved[4];
			unsigned char dest_id;
		} fields;
	} redirtbl[4];
	struct {
		unsigned short x, y;
	} primaries[2][3];
};

#endif
