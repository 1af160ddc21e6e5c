/*
 * Out of memory inside mongouri_tls_ctx_new(): every allocation of one call
 * is failed in turn (OpenSSL's through CRYPTO_set_mem_functions, ours by
 * wrapping malloc/calloc/realloc at link time), N = 1, 2, ... until a call
 * makes fewer than N allocations. Each result must be MONGOURI_E_NOMEM with
 * no context, or a context equal to the reference one: the same number of
 * certificates and CRLs in the store, the CRL check when the settings ask
 * for it, the client certificate, key and chain, the verify mode and the
 * OCSP callback. Never a context that differs from the settings, never
 * another diagnosis ("no PEM certificate", "key does not match") for a
 * failed allocation. mongouri_tls_check_files() likewise: MONGOURI_E_NOMEM
 * or the reference answer, never "ok" for an expired CA or CRL.
 *
 *   tls-ctx-oom --pki PKI_SCRIPT [--stride N]
 *
 * PKI_SCRIPT is tls/pki.sh (its ports are not used here); the encrypted
 * key is re-encrypted with one PBKDF2 iteration, so that its decryption
 * does not multiply the allocations to try by thousands. --stride N tries
 * every Nth allocation only (for valgrind). Last line: "N passed, N failed".
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "mongouri/mongouri.h"
#include "mongouri/openssl.h"

#define MAX_ALLOCATIONS 400000L /* a call making more is a failure of its own */

/* ------------------------------------------------------------------------ */
/* The allocator hook                                                        */
/* ------------------------------------------------------------------------ */

static long fail_at;   /* 0 = no failure */
static long allocations;
static bool failed_one;

static bool fail_now(void)
{
    if (fail_at <= 0)
        return false;
    if (++allocations == fail_at) {
        failed_one = true;
        return true;
    }
    return false;
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

void *__wrap_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __real_realloc(p, n);
}

static void *crypto_malloc(size_t n, const char *file, int line)
{
    (void)file, (void)line;
    return fail_now() ? NULL : __real_malloc(n);
}

static void *crypto_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file, (void)line;
    return fail_now() ? NULL : __real_realloc(p, n);
}

static void crypto_free(void *p, const char *file, int line)
{
    (void)file, (void)line;
    free(p);
}

/* ------------------------------------------------------------------------ */
/* What a context holds                                                      */
/* ------------------------------------------------------------------------ */

typedef struct summary {
    int certs, crls;
    bool crl_check;
    bool has_cert, has_key;
    int chain;
    int verify_mode;
    bool status_cb;
    long min_version;
} summary;

static void summarize(SSL_CTX *ctx, summary *s)
{
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
    STACK_OF(X509) *chain = NULL;
    int (*cb)(SSL *, void *) = NULL;
    int i;

    memset(s, 0, sizeof *s);
    for (i = 0; i < sk_X509_OBJECT_num(objs); i++) {
        X509_LOOKUP_TYPE t = X509_OBJECT_get_type(sk_X509_OBJECT_value(objs, i));

        if (t == X509_LU_X509)
            s->certs++;
        else if (t == X509_LU_CRL)
            s->crls++;
    }
    s->crl_check =
        (X509_VERIFY_PARAM_get_flags(X509_STORE_get0_param(store)) & X509_V_FLAG_CRL_CHECK) != 0;
    s->has_cert = SSL_CTX_get0_certificate(ctx) != NULL;
    s->has_key = SSL_CTX_get0_privatekey(ctx) != NULL;
    if (SSL_CTX_get0_chain_certs(ctx, &chain) && chain != NULL)
        s->chain = sk_X509_num(chain);
    s->verify_mode = SSL_CTX_get_verify_mode(ctx);
    SSL_CTX_get_tlsext_status_cb(ctx, &cb);
    s->status_cb = cb != NULL;
    s->min_version = SSL_CTX_get_min_proto_version(ctx);
}

static void summary_text(const summary *s, char *buf, size_t cap)
{
    snprintf(buf, cap,
             "%d certificates, %d CRLs, CRL check %s, certificate %s, key %s, chain %d, "
             "verify mode %d, OCSP callback %s, minimum version %lx",
             s->certs, s->crls, s->crl_check ? "on" : "off", s->has_cert ? "yes" : "no",
             s->has_key ? "yes" : "no", s->chain, s->verify_mode, s->status_cb ? "yes" : "no",
             s->min_version);
}

/* ------------------------------------------------------------------------ */

static int passed, failed;
static char tmpdir[256];
static long stride = 1;

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void scenario(const char *name, const char *options, int min_certs)
{
    char text[2048], opts[1600], ref_text[300], got_text[300];
    const char *p;
    size_t used = 0;
    mongouri_uri *uri = NULL;
    mongouri_error err;
    SSL_CTX *ctx = NULL;
    summary ref, got;
    long n, tried = 0, nomem = 0, same = 0, t0 = now_ms();
    int bad = 0;

    /* %D is the PKI directory. */
    for (p = options; *p != '\0' && used + 1 < sizeof opts; p++) {
        if (p[0] == '%' && p[1] == 'D') {
            used += (size_t)snprintf(opts + used, sizeof opts - used, "%s", tmpdir);
            if (used >= sizeof opts)
                used = sizeof opts - 1;
            p++;
        } else {
            opts[used++] = *p;
        }
    }
    opts[used] = '\0';
    snprintf(text, sizeof text, "mongodb://localhost/?%s", opts);
    if (mongouri_uri_parse(&uri, text, NULL, &err) != MONGOURI_OK ||
        mongouri_tls_ctx_new(&ctx, mongouri_uri_tls(uri), NULL, &err) != MONGOURI_OK) {
        printf("FAIL %s: set-up: %s\n", name, err.message);
        failed++;
        mongouri_uri_destroy(uri);
        return;
    }
    summarize(ctx, &ref);
    SSL_CTX_free(ctx);
    ctx = NULL;
    summary_text(&ref, ref_text, sizeof ref_text);
    if (ref.certs < min_certs) {
        printf("FAIL %s: the reference context holds %d certificates, expected %d\n", name,
               ref.certs, min_certs);
        failed++;
        mongouri_uri_destroy(uri);
        return;
    }
    for (n = 1; n <= MAX_ALLOCATIONS; n += stride) {
        mongouri_status st;

        memset(&err, 0, sizeof err);
        allocations = 0;
        failed_one = false;
        fail_at = n;
        st = mongouri_tls_ctx_new(&ctx, mongouri_uri_tls(uri), NULL, &err);
        fail_at = 0;
        ERR_clear_error();
        tried++;
        if (st == MONGOURI_E_NOMEM && ctx == NULL) {
            nomem++;
        } else if (st == MONGOURI_OK && ctx != NULL) {
            summarize(ctx, &got);
            if (memcmp(&got, &ref, sizeof got) == 0) {
                same++;
            } else {
                summary_text(&got, got_text, sizeof got_text);
                if (bad++ < 5 || getenv("OOM_VERBOSE") != NULL)
                    printf("     allocation %ld failed: a different context: %s\n"
                           "       reference: %s\n",
                           n, got_text, ref_text);
            }
        } else {
            if (bad++ < 5 || getenv("OOM_VERBOSE") != NULL)
                printf("     allocation %ld failed: %s (%s: %s)%s\n", n, mongouri_strerror(st),
                       mongouri_diag_name(err.code), err.message,
                       st == MONGOURI_OK ? " with no context" : "");
        }
        SSL_CTX_free(ctx);
        ctx = NULL;
        if (!failed_one)
            break; /* the call made fewer than n allocations: all were tried */
    }
    mongouri_uri_destroy(uri);
    if (n > MAX_ALLOCATIONS)
        bad++;
    if (bad == 0) {
        passed++;
        printf("ok   %s: %ld calls, %ld out of memory, %ld the same context (%ld ms)\n", name,
               tried, nomem, same, now_ms() - t0);
    } else {
        failed++;
        printf("FAIL %s: %d of %ld calls gave another answer (%ld ms)\n", name, bad, tried,
               now_ms() - t0);
    }
}

/*
 * The same for mongouri_tls_check_files(): each call with a failed
 * allocation must answer MONGOURI_E_NOMEM or exactly the reference answer
 * (status and diagnosis), never a weaker one ("ok" for an expired CA
 * whose date could not be compared).
 */
static void check_scenario(const char *name, const char *options, mongouri_diag want)
{
    char text[2048];
    mongouri_uri *uri = NULL;
    mongouri_error err;
    mongouri_status ref;
    long n, tried = 0, nomem = 0, same = 0, t0 = now_ms();
    int bad = 0;

    snprintf(text, sizeof text, "mongodb://localhost/?%s", options);
    if (mongouri_uri_parse(&uri, text, NULL, &err) != MONGOURI_OK) {
        printf("FAIL %s: set-up: %s\n", name, err.message);
        failed++;
        return;
    }
    ref = mongouri_tls_check_files(mongouri_uri_tls(uri), &err);
    if ((want == MONGOURI_D_NONE) != (ref == MONGOURI_OK) || err.code != want) {
        printf("FAIL %s: the reference answer is %s (%s: %s)\n", name, mongouri_strerror(ref),
               mongouri_diag_name(err.code), err.message);
        failed++;
        mongouri_uri_destroy(uri);
        return;
    }
    for (n = 1; n <= MAX_ALLOCATIONS; n += stride) {
        mongouri_status st;

        memset(&err, 0, sizeof err);
        allocations = 0;
        failed_one = false;
        fail_at = n;
        st = mongouri_tls_check_files(mongouri_uri_tls(uri), &err);
        fail_at = 0;
        ERR_clear_error();
        tried++;
        if (st == MONGOURI_E_NOMEM)
            nomem++;
        else if (st == ref && err.code == want)
            same++;
        else if (bad++ < 5 || getenv("OOM_VERBOSE") != NULL)
            printf("     allocation %ld failed: %s (%s: %s)\n", n, mongouri_strerror(st),
                   mongouri_diag_name(err.code), err.message);
        if (!failed_one)
            break;
    }
    mongouri_uri_destroy(uri);
    if (n > MAX_ALLOCATIONS)
        bad++;
    if (bad == 0) {
        passed++;
        printf("ok   check-files, %s: %ld calls, %ld out of memory, %ld the same answer (%ld "
               "ms)\n",
               name, tried, nomem, same, now_ms() - t0);
    } else {
        failed++;
        printf("FAIL check-files, %s: %d of %ld calls gave another answer (%ld ms)\n", name, bad,
               tried, now_ms() - t0);
    }
}

/*
 * mongouri_tls_ssl_prepare() with each of its allocations failed in turn:
 * when it fails, the SSL must still be refused by the context (its host
 * check may not be set); the ClientHello is written to a memory BIO, so a
 * refused handshake fails at once and an accepted one waits for the
 * server (SSL_ERROR_WANT_READ).
 */
static void prepare_scenario(const char *name, const char *host)
{
    mongouri_uri *uri = NULL;
    mongouri_error err;
    SSL_CTX *ctx = NULL;
    long n, tried = 0, refused = 0, prepared = 0, t0 = now_ms();
    int bad = 0;

    if (mongouri_uri_parse(&uri, "mongodb://localhost/?tls=true", NULL, &err) != MONGOURI_OK ||
        mongouri_tls_ctx_new(&ctx, mongouri_uri_tls(uri), NULL, &err) != MONGOURI_OK) {
        printf("FAIL %s: set-up: %s\n", name, err.message);
        failed++;
        mongouri_uri_destroy(uri);
        return;
    }
    for (n = 1; n <= MAX_ALLOCATIONS; n += stride) {
        SSL *ssl = SSL_new(ctx);
        BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
        mongouri_status st;
        int ret, e;

        if (ssl == NULL || rb == NULL || wb == NULL) {
            printf("FAIL %s: set-up: SSL_new\n", name);
            bad++;
            SSL_free(ssl);
            BIO_free(rb);
            BIO_free(wb);
            break;
        }
        SSL_set_bio(ssl, rb, wb);
        memset(&err, 0, sizeof err);
        allocations = 0;
        failed_one = false;
        fail_at = n;
        st = mongouri_tls_ssl_prepare(ssl, host, &err);
        fail_at = 0;
        ERR_clear_error();
        tried++;
        ret = SSL_connect(ssl);
        e = SSL_get_error(ssl, ret);
        ERR_clear_error();
        if (st == MONGOURI_OK && e == SSL_ERROR_WANT_READ) {
            prepared++;
        } else if (st == MONGOURI_E_NOMEM && ret <= 0 && e == SSL_ERROR_SSL) {
            refused++;
        } else if (bad++ < 5 || getenv("OOM_VERBOSE") != NULL) {
            printf("     allocation %ld failed: prepare said %s (%s), the handshake %s\n", n,
                   mongouri_strerror(st), err.message,
                   e == SSL_ERROR_WANT_READ ? "went ahead" : "was refused");
        }
        SSL_free(ssl);
        if (!failed_one)
            break;
    }
    SSL_CTX_free(ctx);
    mongouri_uri_destroy(uri);
    if (n > MAX_ALLOCATIONS)
        bad++;
    if (bad == 0) {
        passed++;
        printf("ok   prepare, %s: %ld calls, %ld refused after an allocation failure, %ld "
               "prepared (%ld ms)\n",
               name, tried, refused, prepared, now_ms() - t0);
    } else {
        failed++;
        printf("FAIL prepare, %s: %d of %ld calls let a handshake go ahead unprepared or "
               "refused a prepared one (%ld ms)\n",
               name, bad, tried, now_ms() - t0);
    }
}

static int run(char *const argv[])
{
    pid_t pid = fork();
    int status = 0;

    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(int argc, char **argv)
{
    const char *pki = NULL;
    char script[4096], dir[300];
    int a, rc;

    /* Before anything touches OpenSSL. */
    if (!CRYPTO_set_mem_functions(crypto_malloc, crypto_realloc, crypto_free)) {
        printf("FAIL cannot install the allocator hook\n0 passed, 1 failed\n");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--pki") == 0 && a + 1 < argc)
            pki = argv[++a];
        else if (strcmp(argv[a], "--stride") == 0 && a + 1 < argc)
            stride = atol(argv[++a]) > 0 ? atol(argv[a]) : 1;
    }
    if (pki == NULL) {
        fprintf(stderr, "usage: tls-ctx-oom --pki PKI_SCRIPT [--stride N]\n");
        return 2;
    }
    snprintf(tmpdir, sizeof tmpdir, "%s/mongouri-oom-XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    /* The PKI, then a CA file of three certificates and an empty directory. */
    snprintf(script, sizeof script,
             "bash '%s' '%s' 1 2 3 4 5 >'%s/pki.log' 2>&1 && cd '%s' && "
             "cat ca.pem other-ca.pem ocsp.pem >three.pem && mkdir empty && "
             "openssl pkcs8 -topk8 -in client.key -v2 aes-256-cbc -iter 1 "
             "-passout pass:hunter2 -out client-enc1.key && "
             "cat client.pem client-enc1.key >client-enc1.pem && "
             "printf '[ exp_ca_ext ]\\nbasicConstraints = critical,CA:true\\n"
             "keyUsage = keyCertSign, cRLSign\\n' >>ca.cnf && "
             "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
             "-keyout expca.key -out expca.csr -subj '/CN=Expired CA' 2>>pki.log && "
             "openssl ca -batch -config ca.cnf -in expca.csr -out expca.pem -notext "
             "-extensions exp_ca_ext -startdate 20200101000000Z -enddate 20200102000000Z "
             "2>>pki.log && "
             "openssl ca -batch -config ca.cnf -gencrl -crlsec 1 -out short.crl 2>>pki.log",
             pki, tmpdir, tmpdir, tmpdir);
    {
        char *sh[] = { "bash", "-c", script, NULL };

        rc = run(sh);
    }
    if (rc != 0) {
        printf("FAIL set-up: the PKI script failed (%s/pki.log)\n0 passed, 1 failed\n", tmpdir);
        return 1;
    }
    scenario("tlsCAFile of 3 certificates, PEM CRL",
             "tls=true&tlsCAFile=%D/three.pem&tlsCRLFile=%D/ca.crl", 3);
    scenario("tlsCAFile of 3 certificates, DER CRL",
             "tls=true&tlsCAFile=%D/three.pem&tlsCRLFile=%D/ca.crl.der", 3);
    scenario("tlsCAFile, encrypted key with password, OCSP",
             "tls=true&tlsCAFile=%D/ca.pem&tlsCertificateKeyFile=%D/client-enc1.pem"
             "&tlsCertificateKeyFilePassword=hunter2",
             1);
    prepare_scenario("a DNS name", "localhost");
    prepare_scenario("an IP literal", "127.0.0.1");
    sleep(2); /* short.crl's nextUpdate is one second after it was made */
    {
        char q[1600];

        snprintf(q, sizeof q, "tls=true&tlsCAFile=%s/three.pem&tlsCRLFile=%s/ca.crl", tmpdir,
                 tmpdir);
        check_scenario("CA file of 3 certificates, CRL", q, MONGOURI_D_NONE);
        snprintf(q, sizeof q, "tls=true&tlsCAFile=%s/expca.pem", tmpdir);
        check_scenario("expired CA", q, MONGOURI_D_CERT_EXPIRED);
        snprintf(q, sizeof q, "tls=true&tlsCAFile=%s/ca.pem&tlsCRLFile=%s/short.crl", tmpdir,
                 tmpdir);
        check_scenario("expired CRL", q, MONGOURI_D_CRL_EXPIRED);
        snprintf(q, sizeof q, "tls=true&tlsCAFile=%s/ca.pem&tlsCRLFile=%s/other-ca.crl",
                 tmpdir, tmpdir);
        check_scenario("CRL of another CA", q, MONGOURI_D_CRL_WRONG_ISSUER);
    }
    snprintf(dir, sizeof dir, "%s/three.pem", tmpdir);
    setenv("SSL_CERT_FILE", dir, 1);
    snprintf(dir, sizeof dir, "%s/empty", tmpdir);
    setenv("SSL_CERT_DIR", dir, 1);
    scenario("system store (SSL_CERT_FILE of 3 certificates), OCSP", "tls=true", 3);
    check_scenario("system store (SSL_CERT_FILE of 3 certificates)", "tls=true", MONGOURI_D_NONE);
    {
        char *rm[] = { "rm", "-rf", tmpdir, NULL };

        run(rm);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
