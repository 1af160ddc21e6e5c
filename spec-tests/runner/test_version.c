/* The version macros, mongouri_version() of the linked library and the
 * project version CMake was given (MONGOURI_EXPECTED_VERSION) all agree. */
#include <stdio.h>
#include <string.h>

#include <mongouri/mongouri.h>

int main(void)
{
    char parts[32];
    int failed = 0;

    snprintf(parts, sizeof parts, "%d.%d.%d", MONGOURI_VERSION_MAJOR, MONGOURI_VERSION_MINOR,
             MONGOURI_VERSION_PATCH);
    if (strcmp(MONGOURI_VERSION_STRING, MONGOURI_EXPECTED_VERSION) != 0) {
        printf("MONGOURI_VERSION_STRING %s, project version %s\n", MONGOURI_VERSION_STRING,
               MONGOURI_EXPECTED_VERSION);
        failed = 1;
    }
    if (strcmp(parts, MONGOURI_VERSION_STRING) != 0) {
        printf("MAJOR.MINOR.PATCH %s, MONGOURI_VERSION_STRING %s\n", parts, MONGOURI_VERSION_STRING);
        failed = 1;
    }
    if (strcmp(mongouri_version(), MONGOURI_VERSION_STRING) != 0) {
        printf("mongouri_version() %s, headers %s\n", mongouri_version(), MONGOURI_VERSION_STRING);
        failed = 1;
    }
    if (mongouri_version_number() != MONGOURI_VERSION_NUMBER ||
        MONGOURI_VERSION_NUMBER != ((MONGOURI_VERSION_MAJOR << 16) | (MONGOURI_VERSION_MINOR << 8) |
                                    MONGOURI_VERSION_PATCH)) {
        printf("mongouri_version_number() %#x, MONGOURI_VERSION_NUMBER %#x\n",
               mongouri_version_number(), (unsigned)MONGOURI_VERSION_NUMBER);
        failed = 1;
    }
    if (!failed)
        printf("version %s: macros, library and project agree\n", mongouri_version());
    return failed;
}
