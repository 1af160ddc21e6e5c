/* Private declarations of the versioned option structs (opts.c). Never installed. */
#ifndef MONGOURI_OPTS_INT_H
#define MONGOURI_OPTS_INT_H

#include <stddef.h>

#include "mongouri/mongouri.h"

/* Versioned option structs, whose first member is `unsigned int version`:
 * init copies the defaults and sets the caller's version (1..known);
 * check says, as an error, that a struct's version is not one this library knows. */
mongouri_status mongouri__opts_init(void *opts, const void *defaults, size_t size,
                                    unsigned int version, unsigned int known);
mongouri_status mongouri__opts_check(const char *type, unsigned int version, unsigned int known,
                                     mongouri_error *err);

#endif /* MONGOURI_OPTS_INT_H */
