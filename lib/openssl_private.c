/*
 * Built only into the shared libmongouri-openssl: its own c-ares
 * initialisation, since libmongouri.so exports none of its internals. On
 * POSIX systems ares_library_init() only counts its callers, so the two
 * libraries each calling it once is harmless. The static applicator uses
 * resolve.c's instead (one definition in a static link).
 */
#include <pthread.h>
#include <sys/select.h> /* fd_set, which <ares.h> needs under strict C11 */

#include <ares.h>

#include "internal.h"

static pthread_once_t ares_once = PTHREAD_ONCE_INIT;
static int ares_init_status = ARES_SUCCESS;

static void ares_init_once(void)
{
    ares_init_status = ares_library_init(ARES_LIB_INIT_ALL);
}

int mongouri__ares_init(void)
{
    pthread_once(&ares_once, ares_init_once);
    return ares_init_status;
}
