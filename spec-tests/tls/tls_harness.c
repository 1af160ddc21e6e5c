/*
 * Process and socket helpers of the TLS test programs that start servers
 * (tls_matrix.c, tls_ocsp_signers.c). Every server and responder runs
 * under a small bash guard whose stdin is a pipe from this process. The
 * guard starts the program (stdin /dev/null) and kills it by PID as soon
 * as the pipe reports end-of-file: when we close our end to stop it, or
 * when this process ends in any way, even without running a handler (a
 * sanitizer exit, a SIGKILL from ctest). The guard exits when the program
 * does, so an early exit is seen.
 */
#include "tls_harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_CHILDREN 128

static const char guard_script[] = /* (a background job's stdin is /dev/null: use fd 3) */
    "exec 3<&0\n"
    "\"$@\" </dev/null 3<&- & child=$!\n"
    "( read -r _ <&3; kill \"$child\" 2>/dev/null ) &\n"
    "wait \"$child\"\n";

typedef struct child {
    pid_t pid;
    int pipe_fd;
} child;

static child children[MAX_CHILDREN];
static int nchildren;
static volatile sig_atomic_t current_set;
static char current[200];

void th_sleep_ms(long ms)
{
    struct timespec ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        /* go on sleeping */
    }
}

long th_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_signal(int sig)
{
    static const char msg[] = "interrupted (timeout or signal); servers stopped\n";
    int i;

    (void)sig;
    for (i = 0; i < nchildren; i++)
        if (children[i].pipe_fd >= 0)
            close(children[i].pipe_fd);
    if (write(2, msg, sizeof msg - 1) < 0) {
        /* nothing more to do */
    }
    if (current_set && write(2, current, strlen(current)) < 0) {
        /* nothing more to do */
    }
    _exit(1);
}

void th_install_signals(void)
{
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGALRM, on_signal);
}

void th_set_current(const char *what)
{
    current_set = 0;
    if (what != NULL) {
        snprintf(current, sizeof current, "scenario: %s\n", what);
        current_set = 1;
    }
}

static child *find_child(pid_t pid)
{
    int i;

    for (i = 0; i < nchildren; i++)
        if (children[i].pid == pid)
            return &children[i];
    return NULL;
}

void th_forget(pid_t pid)
{
    child *c = find_child(pid);

    if (c == NULL)
        return;
    if (c->pipe_fd >= 0)
        close(c->pipe_fd);
    c->pipe_fd = -1;
    c->pid = 0;
}

void th_stop(pid_t pid)
{
    child *c = find_child(pid);
    int i;

    if (pid <= 0 || c == NULL)
        return;
    if (c->pipe_fd >= 0)
        close(c->pipe_fd);
    c->pipe_fd = -1;
    for (i = 0; i < 200; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            c->pid = 0;
            return;
        }
        th_sleep_ms(10);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    c->pid = 0;
}

void th_stop_all(void)
{
    int i;

    for (i = 0; i < nchildren; i++)
        th_stop(children[i].pid);
    nchildren = 0;
}

static pid_t spawn_with(char *const argv[], const char *log, int stdin_fd)
{
    posix_spawn_file_actions_t fa;
    pid_t pid = -1;
    int rc;

    posix_spawn_file_actions_init(&fa);
    if (stdin_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, stdin_fd, 0);
    else
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        fprintf(stderr, "cannot start %s: %s\n", argv[0], strerror(rc));
        return -1;
    }
    return pid;
}

pid_t th_spawn(char *const argv[], const char *log)
{
    char *gargv[40];
    int p[2], n = 0, i, slot;
    pid_t pid;

    for (slot = 0; slot < nchildren && children[slot].pid != 0; slot++) {
        /* reuse the slot of a stopped child */
    }
    if (slot == MAX_CHILDREN || pipe(p) != 0)
        return -1;
    /* Above 2 (stdin may be closed) and close-on-exec: no other child may hold our end. */
    for (i = 0; i < 2; i++) {
        int fd = fcntl(p[i], F_DUPFD_CLOEXEC, 3);

        close(p[i]);
        p[i] = fd;
    }
    if (p[0] < 0 || p[1] < 0) {
        if (p[0] >= 0)
            close(p[0]);
        if (p[1] >= 0)
            close(p[1]);
        return -1;
    }
    gargv[n++] = "bash";
    gargv[n++] = "-c";
    gargv[n++] = (char *)guard_script;
    gargv[n++] = "tls-test-guard";
    for (i = 0; argv[i] != NULL && n < 39; i++)
        gargv[n++] = argv[i];
    gargv[n] = NULL;
    pid = spawn_with(gargv, log, p[0]);
    close(p[0]);
    if (pid < 0) {
        close(p[1]);
        return -1;
    }
    children[slot].pid = pid;
    children[slot].pipe_fd = p[1];
    if (slot == nchildren)
        nchildren++;
    return pid;
}

int th_run_wait(char *const argv[], const char *log)
{
    pid_t pid = spawn_with(argv, log, -1);
    int status = 0;

    if (pid < 0)
        return -1;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The loopback address of `family` (AF_INET or AF_INET6) and `port`; its length. */
static socklen_t loopback(int family, int port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        a->sin6_port = htons((uint16_t)port);
        return sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;

        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a->sin_port = htons((uint16_t)port);
        return sizeof *a;
    }
}

int th_free_port(int family)
{
    struct sockaddr_storage ss;
    socklen_t len = loopback(family, 0, &ss);
    int fd = socket(family, SOCK_STREAM, 0), port = -1;

    if (fd >= 0 && bind(fd, (struct sockaddr *)&ss, len) == 0 &&
        getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
        port = family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                  : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

int th_connect(int family, int port)
{
    struct sockaddr_storage ss;
    socklen_t len = loopback(family, port, &ss);
    int fd = socket(family, SOCK_STREAM, 0);

    if (fd >= 0 && connect(fd, (struct sockaddr *)&ss, len) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

int th_read_port_file(const char *path, long wait_ms)
{
    long until = th_now_ms() + wait_ms;

    while (th_now_ms() < until) {
        FILE *f = fopen(path, "r");
        int port = -1;

        if (f != NULL) {
            if (fscanf(f, "%d", &port) != 1)
                port = -1;
            fclose(f);
            if (port > 0)
                return port;
        }
        th_sleep_ms(10);
    }
    return -1;
}
