/* Versioned option structs: one way to initialise them and to check their version. */
#include <string.h>

#include "error_int.h"
#include "opts_int.h"

mongouri_status mongouri__opts_init(void *opts, const void *defaults, size_t size,
                                    unsigned int version, unsigned int known)
{
    if (opts == NULL || version == 0 || version > known)
        return MONGOURI_E_INVALID_ARG;
    memcpy(opts, defaults, size);
    /* Every versioned struct begins with its `unsigned int version`. */
    memcpy(opts, &version, sizeof version);
    return MONGOURI_OK;
}

mongouri_status mongouri__opts_check(const char *type, unsigned int version, unsigned int known,
                                     mongouri_error *err)
{
    if (version >= 1 && version <= known)
        return MONGOURI_OK;
    return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                               "%s version %u is not supported (this library knows 1 to %u)", type,
                               version, known);
}
