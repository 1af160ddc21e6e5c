/*
 * The probe (mongouri_tls_probe, used by validate-uri): check the files,
 * connect, run the handshake with the settings, exchange a hello, and say
 * in a report what happened and what to change.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "mongouri/openssl.h"
#include "tls/checks.h"
#include "tls/names.h"
#include "tls/probe_io.h"
#include "tls/report.h"
#include "tls/state.h"
#include "tls/net.h"
#include "ares_loop_int.h"
#include "error_int.h"

#define PROBE_TIMEOUT_MS_DEFAULT 10000
#define PROBE_REPLY_MIN_MS 250 /* for the reply to hello, once accepted */

/* The category of a file problem found before connecting. */
static void file_category(const mongouri_error *ferr, mongouri_tls_report *r)
{
    bool ca = strcmp(ferr->option, "tlsCAFile") == 0;

    if (strncmp(ferr->option, "tlsCertificateKeyFile", 21) == 0)
        r->category = MONGOURI_TLS_CLIENT_CERTIFICATE;
    else if (ca && ferr->code == MONGOURI_D_CERT_EXPIRED)
        r->category = MONGOURI_TLS_EXPIRED;
    else if (ca && ferr->code == MONGOURI_D_CERT_NOT_YET_VALID)
        r->category = MONGOURI_TLS_NOT_YET_VALID;
    else if (ca && (ferr->code == MONGOURI_D_NOT_CA || ferr->code == MONGOURI_D_TRUST_STORE_EMPTY))
        r->category = MONGOURI_TLS_UNKNOWN_CA;
    else
        r->category = MONGOURI_TLS_HANDSHAKE_FAILED;
    if (strcmp(ferr->option, "tlsCRLFile") == 0) {
        r->revocation_source = MONGOURI_TLS_REV_CRL;
        mongouri__tls_set_text(r->revocation_detail, sizeof r->revocation_detail,
                               "not checked: %s (%s)", mongouri_diag_name(ferr->code),
                               ferr->message);
    }
}

static mongouri_status probe_fail(mongouri_tls_report *r, mongouri_error *err,
                                  mongouri_status status, mongouri_diag code, int64_t start)
{
    r->elapsed_ms = (long)(mongouri__now_ms() - start);
    mongouri__error_set(err, status, code, NULL, -1, 0, "%s: %s",
                        mongouri_tls_category_name(r->category), r->detail);
    mongouri__error_hint(err, "%s", r->hint);
    return status;
}

static mongouri_status probe_settings(const mongouri_tls_settings *tls,
                                      const mongouri_tls_options *opts, const char *host,
                                      uint16_t port, int timeout_ms, mongouri_tls_report *report,
                                      mongouri_error *err);

/*
 * A write to a connection the server has closed raises SIGPIPE, which would
 * end the caller's process: the probe blocks it on its thread and discards
 * one it caused.
 */
mongouri_status mongouri_tls_probe_settings(const mongouri_tls_settings *tls,
                                            const mongouri_tls_options *opts, const char *host,
                                            uint16_t port, int timeout_ms,
                                            mongouri_tls_report *report, mongouri_error *err)
{
    sigset_t pipe_set, old, pending;
    bool pending_before;
    mongouri_status st;

    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigpending(&pending);
    pending_before = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    st = probe_settings(tls, opts, host, port, timeout_ms, report, err);
    sigpending(&pending);
    if (!pending_before && sigismember(&pending, SIGPIPE) == 1) {
        struct timespec zero = {0, 0};

        sigtimedwait(&pipe_set, NULL, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return st;
}

static mongouri_status probe_settings(const mongouri_tls_settings *tls,
                                      const mongouri_tls_options *opts, const char *host,
                                      uint16_t port, int timeout_ms, mongouri_tls_report *report,
                                      mongouri_error *err)
{
    int64_t start = mongouri__now_ms(), deadline;
    mongouri_tls_report scratch;
    mongouri_tls_report *r = report != NULL ? report : &scratch;
    mongouri_tls_options o;
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    char name[256], why[160] = "";
    int fd = -1, ret;
    bool timed_out, unix_path;
    mongouri_status st;

    mongouri__tls_report_init(r);
    mongouri__error_clear(err);
    if (tls == NULL || host == NULL || host[0] == '\0')
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "mongouri_tls_probe needs settings and a host");
    st = mongouri__tls_options_load(&o, opts, err);
    if (st != MONGOURI_OK)
        return st;
    deadline = start + (timeout_ms > 0 ? timeout_ms : PROBE_TIMEOUT_MS_DEFAULT);
    mongouri__tls_host_copy(name, sizeof name, host);
    /* A Unix domain socket: the server is this machine, its certificate must name localhost. */
    unix_path = name[0] == '/' || strstr(name, ".sock") != NULL;
    mongouri__tls_set_text(r->expected_name, sizeof r->expected_name, "%s",
                           unix_path ? "localhost" : name);
    ERR_clear_error();

    if (mongouri_tls_enabled(tls)) {
        mongouri_error ferr;

        if (mongouri__tls_check_files(tls, true, &ferr) != MONGOURI_OK) {
            file_category(&ferr, r);
            mongouri__tls_set_text(r->detail, sizeof r->detail, "%s", ferr.message);
            mongouri__tls_set_text(r->hint, sizeof r->hint, "%s", ferr.hint);
            r->elapsed_ms = (long)(mongouri__now_ms() - start);
            if (ferr.code == MONGOURI_D_TRUST_STORE_EMPTY) {
                /* No file of the user's is at fault: no CA can be trusted at all. */
                static const char lead[] = "no tlsCAFile, and the system trust store is empty: ";
                const char *what = strncmp(ferr.message, lead, sizeof lead - 1) == 0
                                       ? ferr.message + sizeof lead - 1
                                       : ferr.message;

                mongouri__tls_set_text(
                    r->detail, sizeof r->detail,
                    "no server can be verified: trusted CAs: the system store, which is "
                    "empty (%s)",
                    what);
                return probe_fail(r, err, MONGOURI_E_TLS, MONGOURI_D_TRUST_STORE_EMPTY, start);
            }
            if (err != NULL)
                *err = ferr;
            return MONGOURI_E_FILE;
        }
    }

    fd = unix_path ? mongouri__tls_unix_connect(name, why, sizeof why)
                   : mongouri__tls_tcp_connect(name, port, deadline, why, sizeof why);
    if (fd < 0) {
        r->category = MONGOURI_TLS_CONNECT_FAILED;
        mongouri__tls_set_text(r->detail, sizeof r->detail, "%s", why);
        mongouri__tls_set_text(
            r->hint, sizeof r->hint, "%s",
            unix_path ? "Check the socket path and that the server is running and "
                        "listening on it (net.unixDomainSocket)."
                      : "Check the host and port, that the server is running, and that no "
                        "firewall blocks the port.");
        return probe_fail(r, err, MONGOURI_E_TLS, MONGOURI_D_CONNECT, start);
    }
    if (!mongouri_tls_enabled(tls)) {
        if (unix_path)
            mongouri__tls_set_text(r->detail, sizeof r->detail,
                                   "connection to the Unix socket %s; TLS is off", name);
        else
            mongouri__tls_set_text(r->detail, sizeof r->detail,
                                   "TCP connection to %s port %u; TLS is off", name,
                                   (unsigned)port);
        r->elapsed_ms = (long)(mongouri__now_ms() - start);
        close(fd);
        return MONGOURI_OK;
    }

    if (o.ocsp_timeout_ms > mongouri__tls_remaining_ms(deadline))
        o.ocsp_timeout_ms =
            mongouri__tls_remaining_ms(deadline) > 0 ? mongouri__tls_remaining_ms(deadline) : 1;
    st = mongouri_tls_ctx_new(&ctx, tls, &o, err);
    if (st != MONGOURI_OK) {
        r->category = MONGOURI_TLS_HANDSHAKE_FAILED;
        mongouri__tls_set_text(r->detail, sizeof r->detail, "%s",
                               err != NULL ? err->message : "TLS set-up failed");
        r->elapsed_ms = (long)(mongouri__now_ms() - start);
        close(fd);
        return st;
    }
    ssl = SSL_new(ctx);
    if (ssl == NULL ||
        mongouri_tls_ssl_prepare(ssl, unix_path ? "localhost" : name, err) != MONGOURI_OK ||
        !SSL_set_fd(ssl, fd)) {
        r->category = MONGOURI_TLS_HANDSHAKE_FAILED;
        mongouri__tls_set_text(r->detail, sizeof r->detail, "cannot set up the TLS connection");
        st = probe_fail(r, err, MONGOURI_E_TLS, MONGOURI_D_TLS_SETUP, start);
        goto out;
    }
    /* The OCSP responders leave the handshake its share of the deadline. */
    mongouri__tls_ssl_state_get(ssl)->deadline_ms = deadline;
    ERR_clear_error();
    {
        int64_t t0 = mongouri__now_ms();

        ret = mongouri__tls_handshake(ssl, fd, deadline, &timed_out);
        if (ret == 1) {
            int64_t took = mongouri__now_ms() - t0;
            int64_t reply_wait = PROBE_REPLY_MIN_MS + took * 2;
            bool close_notify;
            size_t got;
            int fail_ret = 1;
            mongouri__tls_after o;

            if (reply_wait > mongouri__tls_remaining_ms(deadline))
                reply_wait = mongouri__tls_remaining_ms(deadline);
            /* What the handshake showed, before the exchange changes the state. */
            mongouri_tls_diagnose(ssl, 1, r);
            o = mongouri__tls_after_handshake(ssl, fd, deadline, (int)reply_wait, &fail_ret,
                                              &close_notify, &got);
            if (o == MONGOURI__AFTER_REFUSED) {
                ret = fail_ret;
            } else {
                mongouri__tls_describe_after(r, o, close_notify, got, (int)reply_wait);
                if (unix_path) {
                    size_t n = strlen(r->detail);

                    mongouri__tls_set_text(
                        r->detail + n, sizeof r->detail - n,
                        "; over the Unix socket %s (certificate checked against localhost)", name);
                }
                r->elapsed_ms = (long)(mongouri__now_ms() - start);
                st = MONGOURI_OK;
                goto out;
            }
        }
    }
    if (timed_out) {
        mongouri_tls_diagnose(ssl, ret, r);
        r->category = MONGOURI_TLS_HANDSHAKE_FAILED;
        mongouri__tls_set_text(r->detail, sizeof r->detail,
                               "no TLS answer from %s port %u within %d ms", name, (unsigned)port,
                               timeout_ms > 0 ? timeout_ms : PROBE_TIMEOUT_MS_DEFAULT);
        mongouri__tls_set_text(
            r->hint, sizeof r->hint,
            "Is TLS enabled on the server, on this port? A server without TLS never "
            "answers the client's hello.");
        st = probe_fail(r, err, MONGOURI_E_TLS, MONGOURI_D_TLS_HANDSHAKE, start);
        goto out;
    }
    mongouri_tls_diagnose(ssl, ret, r);
    if (r->category == MONGOURI_TLS_HANDSHAKE_FAILED &&
        (r->alert_received == 40 || r->alert_received == 71) &&
        strstr(r->detail, "no cipher suite or key exchange group in common") != NULL) {
        int64_t until = mongouri__now_ms() + 2000;

        SSL_free(ssl);
        ssl = NULL;
        close(fd);
        fd = -1;
        mongouri__tls_learn_server_choice(name, port, unix_path,
                                          until < deadline ? until : deadline, r);
    }
    if (r->category == MONGOURI_TLS_PROTOCOL_VERSION && r->server_version[0] == '\0') {
        int64_t until = mongouri__now_ms() + 2000;

        /* Many servers serve one connection at a time: end this one first. */
        SSL_free(ssl);
        ssl = NULL;
        close(fd);
        fd = -1;

        mongouri__tls_learn_server_version(name, port, until < deadline ? until : deadline, r);
        if (r->server_version[0] != '\0') {
            size_t n = strlen(r->detail);

            mongouri__tls_set_text(r->detail + n, sizeof r->detail - n, "; the server speaks %s",
                                   r->server_version);
        }
    }
    if (r->category != MONGOURI_TLS_OK) {
        st = probe_fail(r, err, MONGOURI_E_TLS, MONGOURI_D_TLS_HANDSHAKE, start);
        goto out;
    }
    r->elapsed_ms = (long)(mongouri__now_ms() - start);
    st = MONGOURI_OK;
out:
    if (ssl != NULL && r->category == MONGOURI_TLS_OK)
        SSL_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    if (fd >= 0)
        close(fd);
    ERR_clear_error();
    return st;
}

mongouri_status mongouri_tls_probe(const mongouri_uri *uri, const char *host, uint16_t port,
                                   int timeout_ms, mongouri_tls_report *report, mongouri_error *err)
{
    if (uri == NULL) {
        if (report != NULL) {
            mongouri__tls_report_init(report);
            report->category = MONGOURI_TLS_HANDSHAKE_FAILED;
        }
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "mongouri_tls_probe needs a parsed URI");
    }
    return mongouri_tls_probe_settings(mongouri_uri_tls(uri), NULL, host, port, timeout_ms, report,
                                       err);
}
