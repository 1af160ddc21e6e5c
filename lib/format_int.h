/* Private declarations of the connection-string writer (format.c). Never installed. */
#ifndef MONGOURI_FORMAT_INT_H
#define MONGOURI_FORMAT_INT_H

#include <stdbool.h>

#include "mongouri/mongouri.h"

/* Why the writer leaves out option `id` of `uri` although it has a value. */
typedef enum mongouri__format_drop {
    MONGOURI__FORMAT_KEPT = 0,   /* written */
    MONGOURI__FORMAT_UNSET,      /* no value (absent, invalid or a default) */
    MONGOURI__FORMAT_DEFAULT,    /* the value is the specified default */
    MONGOURI__FORMAT_TLS_OFF,    /* a TLS option while tls=false: ignored */
    MONGOURI__FORMAT_TLS_IMPLIED /* tls: the scheme or the other TLS options imply it */
} mongouri__format_drop;

mongouri__format_drop mongouri__format_drops(const mongouri_uri *uri, int id);

#endif /* MONGOURI_FORMAT_INT_H */
