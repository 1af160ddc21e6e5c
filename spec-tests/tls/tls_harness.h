/*
 * Process and socket helpers of the TLS test programs that start servers
 * (tls_matrix.c, tls_ocsp_signers.c): children under a guard that stops them by PID when
 * the test ends in any way, loopback ports, monotonic time.
 */
#ifndef MONGOURI_TLS_HARNESS_H
#define MONGOURI_TLS_HARNESS_H

#include <stdbool.h>
#include <sys/socket.h> /* AF_INET, AF_INET6 */
#include <sys/types.h>

void th_sleep_ms(long ms);
long th_now_ms(void);
/* Start argv under a guard, output appended to `log`; the guard's PID or -1. */
pid_t th_spawn(char *const argv[], const char *log);
/* Run argv to completion (stdin /dev/null); its exit status, or -1. */
int th_run_wait(char *const argv[], const char *log);
/* Stop one child (by its guard's PID) / every child. */
void th_stop(pid_t pid);
void th_stop_all(void);
/* The guard `pid` was reaped elsewhere: forget it. */
void th_forget(pid_t pid);
/* A port of the loopback address of `family` (AF_INET, AF_INET6) nothing listens on now; -1. */
int th_free_port(int family);
/* A connected TCP socket to 127.0.0.1:port (AF_INET) or [::1]:port (AF_INET6), or -1. */
int th_connect(int family, int port);
/* The number in `path` once it appears (within wait_ms), or -1. */
int th_read_port_file(const char *path, long wait_ms);
/* Stops every child on SIGINT/SIGTERM/SIGALRM, printing `what` is interrupted. */
void th_install_signals(void);
void th_set_current(const char *what);

#endif
