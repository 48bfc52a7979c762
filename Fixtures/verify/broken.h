/* abigen verify tests: a header that does not compile (a missing separator in the second member). */
#ifndef ABIGEN_VERIFY_BROKEN_H
#define ABIGEN_VERIFY_BROKEN_H

struct vt_broken {
	int a;
	int b c;
};

#endif
