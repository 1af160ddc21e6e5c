/* The example of README.md, built and run by the test suite. */
#include <stdio.h>
#include <mongouri/mongouri.h>

int main(void)
{
    mongouri_keywords *kw = NULL;
    mongouri_uri *uri = NULL;
    mongouri_error err;
    mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
    const mongouri_tls_settings *tls;

    /* What the application passed in code: MongoClient(uri, tlsCAFile=...). */
    if (mongouri_keywords_new(&kw, &err) != MONGOURI_OK ||
        mongouri_keywords_set(kw, "tlsCAFile", "/etc/ssl/certs/ca-certificates.crt", &err) != MONGOURI_OK) {
        fprintf(stderr, "keyword: %s\n", err.message);
        return 1;
    }
    opts.keywords = kw;
    if (mongouri_uri_parse(&uri, "mongodb+srv://alice:s3cret@cluster0.example.net/app?w=majority",
                           &opts, &err) != MONGOURI_OK) {
        /* err.code, err.option, err.offset say exactly what and where; no secret in it */
        fprintf(stderr, "%s (%s at byte %ld)\n", err.message, mongouri_diag_name(err.code), err.offset);
        mongouri_keywords_destroy(kw);
        return 1;
    }
    for (size_t i = 0; i < mongouri_uri_warning_count(uri); i++)
        fprintf(stderr, "warning: %s\n", mongouri_uri_warning(uri, i)->message);

    tls = mongouri_uri_tls(uri);
    printf("TLS %s (%s), CA file %s, revocation %s\n",
           mongouri_tls_enabled(tls) ? "on" : "off",
           mongouri_tls_source_detail(tls, MONGOURI_TLS_ENABLED),
           mongouri_tls_ca_file(tls), mongouri_revocation_name(mongouri_tls_revocation(tls)));

    mongouri_uri_destroy(uri);      /* wipes the password */
    mongouri_keywords_destroy(kw);
    return 0;
}
