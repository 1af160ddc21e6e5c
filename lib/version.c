/* The run-time version, from the same generated header as the macros. */
#include "mongouri/mongouri.h"
#include "mongouri/version.h"

const char *mongouri_version(void)
{
    return MONGOURI_VERSION_STRING;
}

unsigned int mongouri_version_number(void)
{
    return (unsigned int)MONGOURI_VERSION_NUMBER;
}
