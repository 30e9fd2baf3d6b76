/* A classic threaded libfcgi responder, the peer a PHP-FPM-era back end looks like.
 *
 *   responder -a 127.0.0.1:9002 | -a unix:/tmp/x.sock  [-t THREADS (default 8)]
 *
 * Routes as afcgid's built-ins: /hello -> "Hello world\n" (text/plain); /echo -> the body
 * back; /delay?ms=N -> "delayed N ms\n" after N ms (this blocks the thread: libfcgi's model);
 * else 404. Every thread loops on FCGX_Accept_r over one shared listening socket. libfcgi
 * handles one request per connection at a time: it answers a second BEGIN_REQUEST on a busy
 * connection with FCGI_CANT_MPX_CONN.
 * Build: gcc -O2 -o responder responder.c -lfcgi -lpthread
 */
#define _GNU_SOURCE
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int listen_sock;

static void reply(FCGX_Request *r, int status, const char *text)
{
    FCGX_FPrintF(r->out, "Status: %d %s\r\nContent-Type: text/plain\r\n\r\n%s", status,
                 status == 200 ? "OK" : status == 400 ? "Bad Request" : "Not Found", text);
}

static void handle(FCGX_Request *r)
{
    const char *uri = FCGX_GetParam("REQUEST_URI", r->envp);
    if (!uri) uri = FCGX_GetParam("SCRIPT_NAME", r->envp);
    if (!uri) uri = "";
    const char *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : strlen(uri);

    if (plen == 6 && strncmp(uri, "/hello", 6) == 0) {
        reply(r, 200, "Hello world\n");
    } else if (plen == 5 && strncmp(uri, "/echo", 5) == 0) {
        const char *type = FCGX_GetParam("CONTENT_TYPE", r->envp);
        FCGX_FPrintF(r->out, "Status: 200 OK\r\nContent-Type: %s\r\n\r\n",
                     type && *type ? type : "application/octet-stream");
        char chunk[65536];
        int n;
        while ((n = FCGX_GetStr(chunk, sizeof chunk, r->in)) > 0)
            FCGX_PutStr(chunk, n, r->out);
    } else if (plen == 6 && strncmp(uri, "/delay", 6) == 0) {
        const char *ms = q ? strstr(q, "ms=") : NULL;
        char *end;
        long v = ms ? strtol(ms + 3, &end, 10) : -1;
        if (!ms || end == ms + 3 || v < 0 || v > 600000) {
            reply(r, 400, "bad ms\n");
            return;
        }
        struct timespec ts = { v / 1000, (v % 1000) * 1000000L };
        nanosleep(&ts, NULL);
        char text[32];
        snprintf(text, sizeof text, "delayed %ld ms\n", v);
        reply(r, 200, text);
    } else {
        reply(r, 404, "Not found\n");
    }
}

static void *worker(void *arg)
{
    (void)arg;
    FCGX_Request r;
    FCGX_InitRequest(&r, listen_sock, 0);
    while (FCGX_Accept_r(&r) >= 0) {
        handle(&r);
        FCGX_Finish_r(&r);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const char *addr = "127.0.0.1:9002";
    int threads = 8;
    for (int i = 1; i < argc; i++) {
        if ((!strcmp(argv[i], "-a") || !strcmp(argv[i], "--addr")) && i + 1 < argc) addr = argv[++i];
        else if ((!strcmp(argv[i], "-t") || !strcmp(argv[i], "--threads")) && i + 1 < argc) threads = atoi(argv[++i]);
        else { fprintf(stderr, "usage: %s [-a host:port|unix:/path] [-t threads]\n", argv[0]); return 2; }
    }
    if (threads < 1) threads = 1;
    /* FCGX_OpenSocket takes "host:port", ":port" or a Unix socket path. */
    if (strncmp(addr, "unix:", 5) == 0) {
        addr += 5;
        remove(addr);
    }
    if (FCGX_Init() != 0) { fprintf(stderr, "FCGX_Init failed\n"); return 1; }
    /* libfcgi turns SIGTERM into a "shutdown pending" flag that only a returning accept()
     * notices; a benchmark wants the default: stop now. */
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    listen_sock = FCGX_OpenSocket(addr, 4096);
    if (listen_sock < 0) { fprintf(stderr, "cannot listen on %s\n", addr); return 1; }
    pthread_t *t = calloc((size_t)threads, sizeof *t);
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    return 0;
}
