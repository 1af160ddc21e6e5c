/* Symbol visibility for the mongouri public API. */
#ifndef MONGOURI_EXPORT_H
#define MONGOURI_EXPORT_H

#if defined(_WIN32)
#define MONGOURI_API
#elif defined(__GNUC__) && __GNUC__ >= 4
#define MONGOURI_API __attribute__((visibility("default")))
#else
#define MONGOURI_API
#endif

#endif /* MONGOURI_EXPORT_H */
