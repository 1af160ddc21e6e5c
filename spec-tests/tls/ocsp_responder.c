/*
 * A loopback-only OCSP responder for the TLS suite.
 *
 *   tls-ocsp-responder --port-file FILE [--mode answer|hang]
 *                      [--dir DIR] [--log FILE] [--next-update SECONDS]
 *                      [--this-update-age SECONDS] [--ipv6] [--no-certs] [--by-key]
 *   tls-ocsp-responder --request REQ.der --out RESP.der [--dir DIR]
 *                      [--next-update SECONDS|none] [--this-update-age SECONDS]
 *
 * Binds 127.0.0.1 (::1 with --ipv6) on a port the system picks and writes that port to
 * FILE (atomically). In "answer" mode it answers each HTTP POST with a
 * response signed by DIR/ocsp.pem + DIR/ocsp.key, the status of each serial
 * taken from DIR/index.txt (the `openssl ca` database, read again for every
 * request): V good, R revoked (time and reason), anything else unknown.
 * Answers are valid for SECONDS (default one day) from now; "none" leaves
 * nextUpdate out. thisUpdate is now, or SECONDS ago with --this-update-age.
 * With --no-certs the signer's certificate is left out of the response;
 * with --by-key the responder ID is the hash of the signer's key, not its name.
 * Nonces are echoed. One line per answered certificate goes to the log
 * file, so tests can count the requests. In "hang" mode it accepts
 * connections and never answers. It runs until killed. With --request it
 * answers the one DER request in REQ.der into RESP.der (a staple) and exits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define MAX_REQUEST (64 * 1024)
#define MAX_HELD 64

static const char *dir = ".";
static const char *log_path;
static long next_update_s = 24L * 3600;
static bool no_next_update;
static long this_update_age_s;
static unsigned long sign_flags;

static char *path_in_dir(const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    if (p != NULL)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static X509 *load_cert(const char *name)
{
    char *p = path_in_dir(name);
    FILE *f = p == NULL ? NULL : fopen(p, "r");
    X509 *x = NULL;

    if (f != NULL) {
        x = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
    }
    free(p);
    return x;
}

static EVP_PKEY *load_key(const char *name)
{
    char *p = path_in_dir(name);
    FILE *f = p == NULL ? NULL : fopen(p, "r");
    EVP_PKEY *k = NULL;

    if (f != NULL) {
        k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
        fclose(f);
    }
    free(p);
    return k;
}

static int reason_code(const char *s)
{
    static const struct { const char *name; int code; } reasons[] = {
        { "unspecified", OCSP_REVOKED_STATUS_UNSPECIFIED },
        { "keyCompromise", OCSP_REVOKED_STATUS_KEYCOMPROMISE },
        { "CACompromise", OCSP_REVOKED_STATUS_CACOMPROMISE },
        { "affiliationChanged", OCSP_REVOKED_STATUS_AFFILIATIONCHANGED },
        { "superseded", OCSP_REVOKED_STATUS_SUPERSEDED },
        { "cessationOfOperation", OCSP_REVOKED_STATUS_CESSATIONOFOPERATION },
        { "certificateHold", OCSP_REVOKED_STATUS_CERTIFICATEHOLD },
    };
    size_t i;

    for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (strcmp(s, reasons[i].name) == 0)
            return reasons[i].code;
    return OCSP_REVOKED_STATUS_NOSTATUS;
}

/*
 * Status of `serial` in index.txt: V_OCSP_CERTSTATUS_*; for a revoked one
 * `*when` (YYMMDDHHMMSSZ) and `*reason` are filled.
 */
static int index_status(const ASN1_INTEGER *serial, char *when, size_t when_cap, int *reason)
{
    char *p = path_in_dir("index.txt");
    FILE *f = p == NULL ? NULL : fopen(p, "r");
    BIGNUM *want = ASN1_INTEGER_to_BN(serial, NULL);
    BIGNUM *have = NULL;
    char line[2048];
    int status = V_OCSP_CERTSTATUS_UNKNOWN;

    while (f != NULL && want != NULL && fgets(line, sizeof line, f) != NULL) {
        char *field[6] = { 0 };
        char *s = line;
        int n = 0;

        while (n < 6) {
            field[n++] = s;
            s = strchr(s, '\t');
            if (s == NULL)
                break;
            *s++ = '\0';
        }
        if (n < 4 || BN_hex2bn(&have, field[3]) == 0 || BN_cmp(have, want) != 0)
            continue;
        if (field[0][0] == 'V') {
            status = V_OCSP_CERTSTATUS_GOOD;
        } else if (field[0][0] == 'R') {
            char *comma = strchr(field[2], ',');

            *reason = OCSP_REVOKED_STATUS_UNSPECIFIED;
            if (comma != NULL) {
                *comma = '\0';
                *reason = reason_code(comma + 1);
            }
            snprintf(when, when_cap, "%s", field[2]);
            status = V_OCSP_CERTSTATUS_REVOKED;
        }
        break;
    }
    if (f != NULL)
        fclose(f);
    BN_free(want);
    BN_free(have);
    free(p);
    return status;
}

static void log_answer(const ASN1_INTEGER *serial, int status)
{
    FILE *f = log_path == NULL ? NULL : fopen(log_path, "a");
    BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
    char *hex = bn == NULL ? NULL : BN_bn2hex(bn);

    if (f != NULL) {
        fprintf(f, "%s %s\n", hex == NULL ? "?" : hex, OCSP_cert_status_str(status));
        fclose(f);
    }
    OPENSSL_free(hex);
    BN_free(bn);
}

/* DER of the response to the DER request `der`; NULL when it cannot be built. */
static unsigned char *answer(const unsigned char *der, long len, int *out_len)
{
    const unsigned char *p = der;
    OCSP_REQUEST *req = d2i_OCSP_REQUEST(NULL, &p, len);
    X509 *ca = load_cert("ca.pem");
    X509 *signer = load_cert("ocsp.pem");
    EVP_PKEY *key = load_key("ocsp.key");
    OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
    OCSP_RESPONSE *resp = NULL;
    ASN1_TIME *thisupd = X509_gmtime_adj(NULL, -this_update_age_s);
    ASN1_TIME *next = no_next_update ? NULL : X509_gmtime_adj(NULL, next_update_s);
    unsigned char *out = NULL;
    int i, n;

    if (req == NULL) {
        resp = OCSP_response_create(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST, NULL);
        goto done;
    }
    if (ca == NULL || signer == NULL || key == NULL || bs == NULL || thisupd == NULL ||
        (next == NULL && !no_next_update)) {
        resp = OCSP_response_create(OCSP_RESPONSE_STATUS_INTERNALERROR, NULL);
        goto done;
    }
    n = OCSP_request_onereq_count(req);
    for (i = 0; i < n; i++) {
        OCSP_ONEREQ *one = OCSP_request_onereq_get0(req, i);
        OCSP_CERTID *cid = OCSP_onereq_get0_id(one);
        ASN1_OBJECT *md_obj = NULL;
        ASN1_INTEGER *serial = NULL;
        const EVP_MD *md;
        OCSP_CERTID *ca_id = NULL;
        int status = V_OCSP_CERTSTATUS_UNKNOWN, reason = OCSP_REVOKED_STATUS_NOSTATUS;
        char when[64] = "";
        ASN1_TIME *revtime = NULL;

        OCSP_id_get0_info(NULL, &md_obj, NULL, &serial, cid);
        md = md_obj == NULL ? NULL : EVP_get_digestbyobj(md_obj);
        if (md != NULL)
            ca_id = OCSP_cert_id_new(md, X509_get_subject_name(ca),
                                     X509_get0_pubkey_bitstr(ca), serial);
        if (ca_id != NULL && OCSP_id_issuer_cmp(ca_id, cid) == 0)
            status = index_status(serial, when, sizeof when, &reason);
        if (status == V_OCSP_CERTSTATUS_REVOKED) {
            revtime = ASN1_TIME_new();
            if (revtime == NULL || !ASN1_TIME_set_string(revtime, when)) {
                ASN1_TIME_free(revtime);
                revtime = X509_gmtime_adj(NULL, -3600);
            }
        }
        OCSP_basic_add1_status(bs, cid, status, reason, revtime, thisupd, next);
        log_answer(serial, status);
        ASN1_TIME_free(revtime);
        OCSP_CERTID_free(ca_id);
    }
    OCSP_copy_nonce(bs, req);
    if (!OCSP_basic_sign(bs, signer, key, EVP_sha256(), NULL, sign_flags)) {
        resp = OCSP_response_create(OCSP_RESPONSE_STATUS_INTERNALERROR, NULL);
        goto done;
    }
    resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);

done:
    if (resp != NULL) {
        *out_len = i2d_OCSP_RESPONSE(resp, &out);
        if (*out_len <= 0)
            out = NULL;
    }
    OCSP_RESPONSE_free(resp);
    OCSP_BASICRESP_free(bs);
    OCSP_REQUEST_free(req);
    X509_free(ca);
    X509_free(signer);
    EVP_PKEY_free(key);
    ASN1_TIME_free(thisupd);
    ASN1_TIME_free(next);
    return out;
}

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;

    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Read one POST request (headers and Content-Length body) and answer it. */
static void serve(int fd)
{
    static char buf[MAX_REQUEST + 1];
    size_t used = 0;
    long body_len = -1;
    char *body = NULL;
    unsigned char *resp = NULL;
    int resp_len = 0;
    char head[256];

    for (;;) {
        struct pollfd pfd = { fd, POLLIN, 0 };
        ssize_t r;

        if (body != NULL && body_len >= 0 && (size_t)(buf + used - body) >= (size_t)body_len)
            break;
        if (used == MAX_REQUEST || poll(&pfd, 1, 3000) <= 0)
            return;
        r = read(fd, buf + used, MAX_REQUEST - used);
        if (r <= 0)
            return;
        used += (size_t)r;
        buf[used] = '\0';
        if (body == NULL) {
            char *end = strstr(buf, "\r\n\r\n");
            char *cl;

            if (end == NULL)
                continue;
            *end = '\0';
            cl = strstr(buf, "Content-Length:");
            if (cl == NULL)
                cl = strstr(buf, "content-length:");
            if (cl == NULL)
                return;
            body_len = strtol(cl + 15, NULL, 10);
            body = end + 4;
        }
    }
    resp = answer((const unsigned char *)body, body_len, &resp_len);
    if (resp == NULL)
        return;
    snprintf(head, sizeof head,
             "HTTP/1.0 200 OK\r\nContent-Type: application/ocsp-response\r\n"
             "Content-Length: %d\r\nConnection: close\r\n\r\n", resp_len);
    if (write_all(fd, head, strlen(head)) == 0)
        write_all(fd, resp, (size_t)resp_len);
    OPENSSL_free(resp);
}

/* Answer the DER request in `req_path` into `out_path`; 0 on success. */
static int staple_file(const char *req_path, const char *out_path)
{
    static unsigned char req[MAX_REQUEST];
    FILE *f = fopen(req_path, "rb");
    unsigned char *resp = NULL;
    size_t len = 0;
    int resp_len = 0, ok = 0;

    if (f != NULL) {
        len = fread(req, 1, sizeof req, f);
        fclose(f);
    }
    if (len > 0 && len < sizeof req)
        resp = answer(req, (long)len, &resp_len);
    f = resp == NULL ? NULL : fopen(out_path, "wb");
    if (f != NULL) {
        ok = fwrite(resp, 1, (size_t)resp_len, f) == (size_t)resp_len;
        ok = fclose(f) == 0 && ok;
    }
    OPENSSL_free(resp);
    if (!ok)
        fprintf(stderr, "tls-ocsp-responder: cannot answer %s into %s\n", req_path, out_path);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *port_file = NULL, *mode = "answer", *req_path = NULL, *out_path = NULL;
    struct sockaddr_in6 addr6;
    struct sockaddr_in addr;
    struct sockaddr *sa;
    socklen_t alen;
    bool v6 = false;
    unsigned port;
    int held[MAX_HELD];
    int nheld = 0, lfd, one = 1, i;
    char tmp[4096];
    FILE *f;

    for (i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--ipv6") == 0) {
            v6 = true;
            i--;
            continue;
        }
        if (strcmp(argv[i], "--no-certs") == 0 || strcmp(argv[i], "--by-key") == 0) {
            sign_flags |= strcmp(argv[i], "--no-certs") == 0 ? OCSP_NOCERTS : OCSP_RESPID_KEY;
            i--;
            continue;
        }
        if (i + 1 == argc)
            break;
        if (strcmp(argv[i], "--port-file") == 0)
            port_file = argv[i + 1];
        else if (strcmp(argv[i], "--mode") == 0)
            mode = argv[i + 1];
        else if (strcmp(argv[i], "--dir") == 0)
            dir = argv[i + 1];
        else if (strcmp(argv[i], "--log") == 0)
            log_path = argv[i + 1];
        else if (strcmp(argv[i], "--next-update") == 0 && strcmp(argv[i + 1], "none") == 0)
            no_next_update = true;
        else if (strcmp(argv[i], "--next-update") == 0)
            next_update_s = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--this-update-age") == 0)
            this_update_age_s = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--request") == 0)
            req_path = argv[i + 1];
        else if (strcmp(argv[i], "--out") == 0)
            out_path = argv[i + 1];
    }
    if ((port_file == NULL && (req_path == NULL || out_path == NULL)) || i != argc) {
        fprintf(stderr, "usage: tls-ocsp-responder --port-file FILE [--mode answer|hang] "
                        "[--dir DIR] [--log FILE] [--next-update SECONDS|none] "
                        "[--this-update-age SECONDS] [--ipv6] [--no-certs] [--by-key]\n"
                        "       tls-ocsp-responder --request REQ.der --out RESP.der [--dir DIR] "
                        "[--next-update SECONDS|none] [--this-update-age SECONDS]\n");
        return 2;
    }
    if (req_path != NULL)
        return staple_file(req_path, out_path);
    signal(SIGPIPE, SIG_IGN);
    memset(&addr, 0, sizeof addr);
    memset(&addr6, 0, sizeof addr6);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr6.sin6_family = AF_INET6;
    addr6.sin6_addr = in6addr_loopback;
    sa = v6 ? (struct sockaddr *)&addr6 : (struct sockaddr *)&addr;
    alen = v6 ? sizeof addr6 : sizeof addr;
    lfd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(lfd, sa, alen) != 0 || listen(lfd, 64) != 0 || getsockname(lfd, sa, &alen) != 0) {
        perror("tls-ocsp-responder: listen");
        return 1;
    }
    port = ntohs(v6 ? addr6.sin6_port : addr.sin_port);
    snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
    f = fopen(tmp, "w");
    if (f == NULL || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0 ||
        rename(tmp, port_file) != 0) {
        perror("tls-ocsp-responder: port file");
        return 1;
    }
    for (;;) {
        int cfd = accept(lfd, NULL, NULL);

        if (cfd < 0) {
            if (errno == EINTR)
                continue;
            perror("tls-ocsp-responder: accept");
            return 1;
        }
        if (strcmp(mode, "hang") == 0) {
            if (nheld == MAX_HELD) {
                close(held[0]);
                memmove(held, held + 1, sizeof held[0] * (MAX_HELD - 1));
                nheld--;
            }
            held[nheld++] = cfd;
            continue;
        }
        serve(cfd);
        close(cfd);
    }
}
