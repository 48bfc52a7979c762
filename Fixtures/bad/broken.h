/* A header with a syntax error, for abigen's error-path tests. */
struct broken {
	int ok;
	unknown_type_t value;
};
