/* What the files of the TLS settings mean, beyond being readable. */
#ifndef MONGOURI_TLS_CHECKS_H
#define MONGOURI_TLS_CHECKS_H

#include <stdbool.h>

#include "mongouri/mongouri.h"

/*
 * mongouri_tls_check_files(); `before_connect`: a CRL whose issuer is not in
 * tlsCAFile may be that of an intermediate the server sends, and is let
 * through (the handshake decides).
 */
mongouri_status mongouri__tls_check_files(const mongouri_tls_settings *tls, bool before_connect,
                                          mongouri_error *err);

#endif /* MONGOURI_TLS_CHECKS_H */
