/* The auth rules and the credential (auth.c). Never installed. */
#ifndef MONGOURI_AUTH_INT_H
#define MONGOURI_AUTH_INT_H

#include "mongouri/mongouri.h"

/* The credential of the merged set, and the rules of the auth spec. */
mongouri_status mongouri__credential_derive(mongouri_uri *uri, mongouri_error *err);

/* An empty authSource is an error, not a warning (B.2). */
mongouri_status mongouri__auth_empty_source(mongouri_error *err, const char *option, long offset,
                                            long length);

/* An authMechanism the library does not know is an error (C: authMechanism);
 * `shown` is the value fit for a message, `allowed` the list of mechanisms. */
mongouri_status mongouri__auth_unknown_mechanism(mongouri_error *err, const char *option,
                                                 const char *shown, const char *allowed,
                                                 mongouri_source source, long offset, long length);

#endif /* MONGOURI_AUTH_INT_H */
