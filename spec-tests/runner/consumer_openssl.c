/*
 * A driver's use of libmongouri-openssl, built by test-install.sh against an
 * installed prefix: parse a URI, make the SSL_CTX, and call OpenSSL itself
 * (SSL_new, SSL_get_verify_mode, ...), as every driver does.
 */
#include <stdio.h>
#include <string.h>

#include <mongouri/openssl.h>

int main(void)
{
    mongouri_uri *uri = NULL;
    mongouri_error err;
    SSL_CTX *ctx = NULL;
    SSL *ssl;
    int rc = 1;

    if (strcmp(mongouri_version(), MONGOURI_VERSION_STRING) != 0) {
        fprintf(stderr, "library %s, headers %s\n", mongouri_version(), MONGOURI_VERSION_STRING);
        return 1;
    }
    if (mongouri_uri_parse(&uri, "mongodb://db.example.net/?tls=true&appName=consumer", NULL,
                           &err) != MONGOURI_OK) {
        fprintf(stderr, "parse: %s\n", err.message);
        return 1;
    }
    if (mongouri_tls_ctx_new(&ctx, mongouri_uri_tls(uri), NULL, &err) != MONGOURI_OK) {
        fprintf(stderr, "ctx: %s\n", err.message);
        goto done;
    }
    ssl = SSL_new(ctx);
    if (ssl == NULL || mongouri_tls_ssl_prepare(ssl, mongouri_uri_host(uri, 0), &err) != MONGOURI_OK) {
        fprintf(stderr, "ssl: %s\n", ssl == NULL ? "SSL_new failed" : err.message);
        SSL_free(ssl);
        goto done;
    }
    if ((SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) != 0 &&
        SSL_CTX_get_min_proto_version(ctx) == TLS1_2_VERSION) {
        printf("openssl consumer: verify peer, TLS 1.2 minimum, %s\n", OpenSSL_version(OPENSSL_VERSION));
        rc = 0;
    }
    SSL_free(ssl);
done:
    SSL_CTX_free(ctx);
    mongouri_uri_destroy(uri);
    return rc;
}
