/* String and character macros whose literals contain comment openers. */
#define TRUST_URL "http://example.org/path"   /* a real comment */
#define TRUST_GLOB "a/*b*/c"
#define TRUST_SLASH '/'  // a real line comment
#define TRUST_SPACES "two  spaces\"and // quote"
#define TRUST_NUMBER (1 << 4)  /* comment */ // and another
