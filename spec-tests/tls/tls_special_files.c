/*
 * tlsCAFile, tlsCertificateKeyFile and tlsCRLFile naming something that is
 * not a regular file, or a file over MONGOURI_TLS_FILE_MAX_BYTES: a FIFO
 * (no writer: reading it would wait for ever), /dev/zero (endless), a
 * directory, a socket and a sparse file of 1 GiB. mongouri_tls_check_files()
 * and mongouri_tls_ctx_new() must each refuse at once with
 * MONGOURI_D_FILE_UNREADABLE, naming the option, the file and what it is.
 * An alarm turns a hang into a failure. Last line: "N passed, N failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "mongouri/mongouri.h"
#include "mongouri/openssl.h"

/* "At once": generous for a loaded machine; --max-ms N under valgrind. */
static long max_ms = 1000;

static int passed, failed;
static char tmpdir[200];
static char current[300];

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_alarm(int sig)
{
    static const char msg[] = "FAIL (hangs) ";

    (void)sig;
    if (write(1, msg, sizeof msg - 1) < 0 || write(1, current, strlen(current)) < 0 ||
        write(1, "\n0 passed, 1 failed\n", 20) < 0) {
        /* nothing more to do */
    }
    _exit(1);
}

typedef struct special {
    const char *label;
    char path[260];
    const char *kind; /* words the message must contain */
} special;

static void check(const char *option, const special *sp, bool ctx)
{
    char text[600];
    mongouri_uri *uri = NULL;
    mongouri_error err;
    SSL_CTX *c = NULL;
    mongouri_status st;
    long t0, ms;
    const char *why = NULL;

    snprintf(current, sizeof current, "%s: %s=%s (%s)",
             ctx ? "mongouri_tls_ctx_new" : "mongouri_tls_check_files", option, sp->label,
             sp->path);
    snprintf(text, sizeof text, "mongodb://localhost/?tls=true&%s=%s", option, sp->path);
    if (mongouri_uri_parse(&uri, text, NULL, &err) != MONGOURI_OK) {
        printf("FAIL %s: cannot parse %s: %s\n", current, text, err.message);
        failed++;
        return;
    }
    memset(&err, 0, sizeof err);
    alarm(max_ms > 5000 ? 30 : 10);
    t0 = now_ms();
    if (ctx)
        st = mongouri_tls_ctx_new(&c, mongouri_uri_tls(uri), NULL, &err);
    else
        st = mongouri_tls_check_files(mongouri_uri_tls(uri), &err);
    ms = now_ms() - t0;
    alarm(0);
    if (st != MONGOURI_E_FILE)
        why = "status is not MONGOURI_E_FILE";
    else if (err.code != MONGOURI_D_FILE_UNREADABLE)
        why = "diagnosis is not file-unreadable";
    else if (strcmp(err.option, option) != 0)
        why = "the diagnosis names another option";
    else if (strstr(err.message, sp->path) == NULL || strstr(err.message, sp->kind) == NULL)
        why = "the message does not name the file and what it is";
    else if (c != NULL)
        why = "a context was returned";
    else if (ms > max_ms)
        why = "not at once";
    if (why == NULL) {
        passed++;
        printf("ok   %s (%ld ms)\n", current, ms);
    } else {
        failed++;
        printf("FAIL %s (%ld ms): %s [%s: %s]\n", current, ms, why, mongouri_diag_name(err.code),
               err.message);
    }
    SSL_CTX_free(c);
    mongouri_uri_destroy(uri);
}

int main(int argc, char **argv)
{
    static const char *const options[] = { "tlsCAFile", "tlsCertificateKeyFile", "tlsCRLFile" };
    special sp[5];
    struct sockaddr_un sun;
    size_t i, j;
    int fd, sock;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && strcmp(argv[1], "--max-ms") == 0)
        max_ms = atol(argv[2]);
    signal(SIGALRM, on_alarm);
    snprintf(tmpdir, sizeof tmpdir, "%s/mongouri-files-XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    memset(sp, 0, sizeof sp);
    sp[0].label = "FIFO";
    snprintf(sp[0].path, sizeof sp[0].path, "%s/fifo.pem", tmpdir);
    sp[0].kind = "is a FIFO";
    sp[1].label = "/dev/zero";
    snprintf(sp[1].path, sizeof sp[1].path, "/dev/zero");
    sp[1].kind = "is a character device";
    sp[2].label = "directory";
    snprintf(sp[2].path, sizeof sp[2].path, "%s", tmpdir);
    sp[2].kind = "is a directory";
    sp[3].label = "sparse 1 GiB file";
    snprintf(sp[3].path, sizeof sp[3].path, "%s/huge.pem", tmpdir);
    sp[3].kind = "larger than the limit of 67108864 bytes";
    sp[4].label = "socket";
    snprintf(sp[4].path, sizeof sp[4].path, "%s/sock.pem", tmpdir);
    sp[4].kind = "is a socket";

    fd = open(sp[3].path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    sock = strlen(sp[4].path) < sizeof sun.sun_path ? socket(AF_UNIX, SOCK_STREAM, 0) : -1;
    if (sock >= 0)
        memcpy(sun.sun_path, sp[4].path, strlen(sp[4].path) + 1);
    if (mkfifo(sp[0].path, 0600) != 0 || fd < 0 || ftruncate(fd, 1024L * 1024 * 1024) != 0 ||
        sock < 0 || bind(sock, (struct sockaddr *)&sun, sizeof sun) != 0) {
        perror("set-up");
        printf("0 passed, 1 failed\n");
        return 1;
    }
    close(fd);
    /* An empty system store: mongouri_tls_ctx_new need not parse the real one first. */
    {
        char none[300];

        snprintf(none, sizeof none, "%s/none.pem", tmpdir);
        setenv("SSL_CERT_FILE", none, 1);
        setenv("SSL_CERT_DIR", tmpdir, 1);
    }
    for (i = 0; i < sizeof sp / sizeof sp[0]; i++)
        for (j = 0; j < sizeof options / sizeof options[0]; j++) {
            check(options[j], &sp[i], false);
            check(options[j], &sp[i], true);
        }
    close(sock);
    unlink(sp[0].path);
    unlink(sp[3].path);
    unlink(sp[4].path);
    rmdir(tmpdir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
