/* The normalized TLS settings of a result (tls_settings.c). Never installed. */
#ifndef MONGOURI_TLS_SETTINGS_INT_H
#define MONGOURI_TLS_SETTINGS_INT_H

#include "mongouri/mongouri.h"

/* Fill uri's TLS settings from the merged options (A.4), after the rules. */
void mongouri__tls_normalize(mongouri_uri *uri);

#endif /* MONGOURI_TLS_SETTINGS_INT_H */
