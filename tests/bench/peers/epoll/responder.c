/* A minimal single-threaded epoll FastCGI responder: the practical ceiling of this machine.
 *
 *   responder -a 127.0.0.1:9003 | -a unix:/tmp/x.sock
 *
 * Routes: /hello -> "Hello world\n" (text/plain); /echo -> the request body back, streamed
 * record by record; /delay?ms=N (0..600000) -> "delayed N ms\n" after N ms; else 404.
 * Multiplexes any number of requests per connection, honours KEEP_CONN, answers GET_VALUES,
 * ABORT_REQUEST and unknown management types. One timerfd drives a binary heap of deadlines,
 * so a pending /delay costs one heap entry and one request slot, not a file descriptor.
 * Build: gcc -O2 -o responder responder.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum { BEGIN = 1, ABORT = 2, END = 3, PARAMS = 4, STDIN = 5, STDOUT = 6,
       GET_VALUES = 9, GET_VALUES_RESULT = 10, UNKNOWN_TYPE = 11 };
enum { ROUTE_NONE, ROUTE_ECHO };
#define READ_CHUNK (256 * 1024)
#define MAX_WBUF (4 * 1024 * 1024) /* stop reading a connection whose output is not drained */

struct buf { char *p; size_t len, cap, off; };

struct req {
    uint32_t gen;        /* bumped at each BEGIN_REQUEST, so a stale timer is recognised */
    uint8_t active, keep, route, params_done;
    struct buf params;   /* PARAMS stream until the empty record; freed at its end */
};

struct conn {
    int fd;
    uint32_t gen;        /* bumped per accepted connection on this fd */
    int closing;         /* close once the write buffer is empty (no KEEP_CONN) */
    int want_out;        /* EPOLLOUT armed */
    int paused;          /* EPOLLIN off while the output backs up */
    struct buf in, out;
    struct req *reqs;    /* indexed by request id, grown to the largest id seen */
    uint32_t nreqs;
};

struct timer { uint64_t due_ms; int fd; uint32_t conn_gen, req_gen, ms; uint16_t id; };

static int ep, listen_fd, tfd;
static struct conn *conns;     /* indexed by fd */
static int nconns_cap;
static struct timer *heap;
static size_t heap_len, heap_cap;
static int *dirty;             /* fds with output to flush at the end of this turn */
static size_t ndirty, dirty_cap;

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p && n) { perror("realloc"); exit(1); }
    return p;
}

static void buf_append(struct buf *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        b->p = xrealloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void buf_free(struct buf *b) { free(b->p); memset(b, 0, sizeof *b); }

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void mark_dirty(struct conn *c)
{
    if (c->out.len == c->out.off) return;
    for (size_t i = 0; i < ndirty; i++) if (dirty[i] == c->fd) return;
    if (ndirty == dirty_cap) { dirty_cap = dirty_cap ? dirty_cap * 2 : 64; dirty = xrealloc(dirty, dirty_cap * sizeof *dirty); }
    dirty[ndirty++] = c->fd;
}

/* ---- records ------------------------------------------------------------------------------ */

static void put_record(struct conn *c, int type, uint16_t id, const void *data, size_t n)
{
    do { /* split above 65535 bytes; pad each record to a multiple of 8 */
        size_t chunk = n > 65535 ? 65535 : n;
        unsigned pad = (8 - chunk % 8) % 8;
        unsigned char h[8] = { 1, (unsigned char)type, id >> 8, id & 0xff,
                               chunk >> 8, chunk & 0xff, pad, 0 };
        static const char zeros[8];
        buf_append(&c->out, h, 8);
        buf_append(&c->out, data, chunk);
        buf_append(&c->out, zeros, pad);
        data = (const char *)data + chunk;
        n -= chunk;
    } while (n > 0);
}

static void end_request(struct conn *c, uint16_t id, uint32_t app, int pstatus)
{
    unsigned char body[8] = { app >> 24, (app >> 16) & 0xff, (app >> 8) & 0xff, app & 0xff,
                              (unsigned char)pstatus, 0, 0, 0 };
    struct req *r = &c->reqs[id];
    put_record(c, END, id, body, 8);
    if (!r->keep) c->closing = 1;
    r->active = 0;
    buf_free(&r->params);
}

static void respond(struct conn *c, uint16_t id, int status, const char *text)
{
    char out[256];
    int n = snprintf(out, sizeof out, "Status: %d %s\r\nContent-Type: text/plain\r\n\r\n%s",
                     status, status == 200 ? "OK" : status == 400 ? "Bad Request" : "Not Found", text);
    put_record(c, STDOUT, id, out, (size_t)n);
    put_record(c, STDOUT, id, NULL, 0);
    end_request(c, id, 0, 0);
}

/* ---- timers: a binary min-heap of deadlines behind one timerfd ---------------------------- */

static void heap_swap(size_t a, size_t b) { struct timer t = heap[a]; heap[a] = heap[b]; heap[b] = t; }

static void arm_timerfd(void)
{
    struct itimerspec its = { { 0, 0 }, { 0, 0 } };
    if (heap_len) {
        uint64_t now = now_ms(), due = heap[0].due_ms;
        uint64_t in = due > now ? due - now : 0;
        its.it_value.tv_sec = in / 1000;
        its.it_value.tv_nsec = (long)(in % 1000) * 1000000 + 1; /* nonzero: 0 would disarm */
    }
    timerfd_settime(tfd, 0, &its, NULL);
}

static void timer_add(struct conn *c, uint16_t id, uint64_t ms)
{
    if (heap_len == heap_cap) { heap_cap = heap_cap ? heap_cap * 2 : 1024; heap = xrealloc(heap, heap_cap * sizeof *heap); }
    size_t i = heap_len++;
    heap[i] = (struct timer){ now_ms() + ms, c->fd, c->gen, c->reqs[id].gen, (uint32_t)ms, id };
    while (i && heap[(i - 1) / 2].due_ms > heap[i].due_ms) { heap_swap(i, (i - 1) / 2); i = (i - 1) / 2; }
    if (i == 0) arm_timerfd();
}

static void timers_fire(void)
{
    uint64_t expirations, now = now_ms();
    if (read(tfd, &expirations, sizeof expirations) < 0 && errno != EAGAIN) perror("timerfd");
    while (heap_len && heap[0].due_ms <= now) {
        struct timer t = heap[0];
        heap[0] = heap[--heap_len];
        for (size_t i = 0;;) { /* sift down */
            size_t l = 2 * i + 1, r = l + 1, m = i;
            if (l < heap_len && heap[l].due_ms < heap[m].due_ms) m = l;
            if (r < heap_len && heap[r].due_ms < heap[m].due_ms) m = r;
            if (m == i) break;
            heap_swap(i, m);
            i = m;
        }
        struct conn *c = &conns[t.fd];
        /* The connection or the request may have gone (closed, aborted, id reused). */
        if (c->fd != t.fd || c->gen != t.conn_gen || t.id >= c->nreqs) continue;
        struct req *r = &c->reqs[t.id];
        if (!r->active || r->gen != t.req_gen) continue;
        char text[32];
        snprintf(text, sizeof text, "delayed %u ms\n", t.ms);
        respond(c, t.id, 200, text);
        mark_dirty(c);
    }
    arm_timerfd();
}

/* ---- routing ------------------------------------------------------------------------------ */

static int param(const struct buf *b, const char *name, const char **value, size_t *vlen)
{
    const unsigned char *p = (const unsigned char *)b->p, *end = p + b->len;
    size_t want = strlen(name);
    while (p < end) {
        size_t len[2];
        for (int k = 0; k < 2; k++) {
            if (p >= end) return 0;
            if (*p & 0x80) {
                if (end - p < 4) return 0;
                len[k] = ((size_t)(p[0] & 0x7f) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
                p += 4;
            } else {
                len[k] = *p++;
            }
        }
        if ((size_t)(end - p) < len[0] + len[1]) return 0;
        if (len[0] == want && memcmp(p, name, want) == 0) {
            *value = (const char *)p + len[0];
            *vlen = len[1];
            return 1;
        }
        p += len[0] + len[1];
    }
    return 0;
}

static void route(struct conn *c, uint16_t id)
{
    struct req *r = &c->reqs[id];
    const char *uri = "", *q;
    size_t ulen = 0;
    if (!param(&r->params, "REQUEST_URI", &uri, &ulen)) param(&r->params, "SCRIPT_NAME", &uri, &ulen);
    q = memchr(uri, '?', ulen);
    size_t plen = q ? (size_t)(q - uri) : ulen;
    char query[64] = "";
    if (q) { size_t n = ulen - plen - 1; if (n > 63) n = 63; memcpy(query, q + 1, n); query[n] = 0; }
    else { const char *qs; size_t qn; if (param(&r->params, "QUERY_STRING", &qs, &qn) && qn < 64) { memcpy(query, qs, qn); query[qn] = 0; } }
    buf_free(&r->params);
    r->params_done = 1;

    if (plen == 6 && memcmp(uri, "/hello", 6) == 0) {
        respond(c, id, 200, "Hello world\n");
    } else if (plen == 5 && memcmp(uri, "/echo", 5) == 0) {
        static const char head[] = "Status: 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n";
        put_record(c, STDOUT, id, head, sizeof head - 1);
        r->route = ROUTE_ECHO; /* STDIN records follow and are echoed as they come */
    } else if (plen == 6 && memcmp(uri, "/delay", 6) == 0) {
        char *ms = strstr(query, "ms="), *endp;
        long v = ms ? strtol(ms + 3, &endp, 10) : -1;
        if (!ms || endp == ms + 3 || v < 0 || v > 600000) respond(c, id, 400, "bad ms\n");
        else timer_add(c, id, (uint64_t)v);
    } else {
        respond(c, id, 404, "Not found\n");
    }
}

static void get_values(struct conn *c, const unsigned char *p, size_t n)
{
    struct buf names = { 0 }, out = { 0 };
    names.p = (char *)p; names.len = n;
    static const char *known[][2] = { { "FCGI_MAX_CONNS", "10000" }, { "FCGI_MAX_REQS", "65535" },
                                      { "FCGI_MPXS_CONNS", "1" } };
    for (int i = 0; i < 3; i++) {
        const char *v; size_t vl;
        if (!param(&names, known[i][0], &v, &vl)) continue;
        unsigned char l[2] = { (unsigned char)strlen(known[i][0]), (unsigned char)strlen(known[i][1]) };
        buf_append(&out, l, 2);
        buf_append(&out, known[i][0], l[0]);
        buf_append(&out, known[i][1], l[1]);
    }
    put_record(c, GET_VALUES_RESULT, 0, out.p, out.len);
    free(out.p);
}

/* Handles one complete record; returns 0 when the connection must close. */
static int on_record(struct conn *c, int type, uint16_t id, const unsigned char *p, size_t n)
{
    if (id == 0) {
        if (type == GET_VALUES) { get_values(c, p, n); return 1; }
        unsigned char body[8] = { (unsigned char)type };
        put_record(c, UNKNOWN_TYPE, 0, body, 8);
        return 1;
    }
    if (type == BEGIN) {
        if (n < 8) return 0;
        if (id >= c->nreqs) {
            uint32_t cap = c->nreqs ? c->nreqs : 16;
            while (cap <= id) cap *= 2;
            c->reqs = xrealloc(c->reqs, cap * sizeof *c->reqs);
            memset(c->reqs + c->nreqs, 0, (cap - c->nreqs) * sizeof *c->reqs);
            c->nreqs = cap;
        }
        struct req *r = &c->reqs[id];
        if (r->active) return 1; /* duplicate BEGIN for an active id: ignore */
        r->gen++;
        r->active = 1;
        r->keep = p[2] & 1;
        r->route = ROUTE_NONE;
        r->params_done = 0;
        if (((p[0] << 8) | p[1]) != 1) end_request(c, id, 0, 3); /* UNKNOWN_ROLE */
        return 1;
    }
    /* The spec says to ignore records for inactive request ids. */
    if (id >= c->nreqs || !c->reqs[id].active) return 1;
    struct req *r = &c->reqs[id];
    switch (type) {
    case ABORT: end_request(c, id, 1, 0); break;
    case PARAMS:
        if (r->params_done) break;
        if (n) buf_append(&r->params, p, n);
        else route(c, id);
        break;
    case STDIN:
        if (r->route != ROUTE_ECHO) break; /* other routes do not read their body */
        put_record(c, STDOUT, id, p, n);   /* n == 0: the end of both streams */
        if (n == 0) end_request(c, id, 0, 0);
        break;
    default: break;
    }
    return 1;
}

/* ---- connections -------------------------------------------------------------------------- */

static void conn_close(struct conn *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    for (uint32_t i = 0; i < c->nreqs; i++) buf_free(&c->reqs[i].params);
    free(c->reqs);
    buf_free(&c->in);
    buf_free(&c->out);
    uint32_t gen = c->gen;
    memset(c, 0, sizeof *c);
    c->fd = -1;
    c->gen = gen;
}

static void conn_events(struct conn *c)
{
    struct epoll_event ev = { 0 };
    int want_out = c->out.len > c->out.off;
    int paused = c->out.len - c->out.off > MAX_WBUF;
    if (want_out == c->want_out && paused == c->paused) return;
    c->want_out = want_out;
    c->paused = paused;
    ev.events = (paused ? 0 : EPOLLIN) | (want_out ? EPOLLOUT : 0);
    ev.data.fd = c->fd;
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* One write of everything queued; returns 0 when the connection is gone. */
static int conn_flush(struct conn *c)
{
    while (c->out.off < c->out.len) {
        ssize_t w = write(c->fd, c->out.p + c->out.off, c->out.len - c->out.off);
        if (w < 0) {
            if (errno == EAGAIN) break;
            conn_close(c);
            return 0;
        }
        c->out.off += (size_t)w;
    }
    if (c->out.off == c->out.len) {
        c->out.off = c->out.len = 0;
        if (c->out.cap > 65536) buf_free(&c->out); /* do not keep a burst's buffer forever */
        if (c->closing) { conn_close(c); return 0; }
    }
    conn_events(c);
    return 1;
}

static void conn_read(struct conn *c)
{
    /* Read into one shared buffer; a connection keeps only the tail of a partial record, so an
     * idle connection with requests pending costs no read buffer. */
    static char rbuf[READ_CHUNK];
    ssize_t n = read(c->fd, rbuf, sizeof rbuf);
    if (n <= 0) {
        if (n < 0 && errno == EAGAIN) return;
        conn_close(c); /* the web server went away: all its requests are aborted */
        return;
    }
    const char *data = rbuf;
    size_t len = (size_t)n;
    if (c->in.len) { /* a partial record from the last read comes first */
        buf_append(&c->in, rbuf, len);
        data = c->in.p;
        len = c->in.len;
    }
    /* Handle every complete record of this read before writing once. */
    size_t off = 0;
    while (len - off >= 8 && !c->closing) {
        const unsigned char *h = (const unsigned char *)data + off;
        size_t clen = (h[4] << 8) | h[5], total = 8 + clen + h[6];
        if (h[0] != 1) { conn_close(c); return; }
        if (len - off < total) break;
        if (!on_record(c, h[1], (uint16_t)((h[2] << 8) | h[3]), h + 8, clen)) { conn_close(c); return; }
        off += total;
    }
    if (off == len) {
        buf_free(&c->in);
    } else if (data == rbuf) {
        buf_append(&c->in, rbuf + off, len - off);
    } else {
        memmove(c->in.p, c->in.p + off, len - off);
        c->in.len = len - off;
    }
    conn_flush(c);
}

static void accept_all(void)
{
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* fails harmlessly on unix */
        if (fd >= nconns_cap) {
            int cap = nconns_cap ? nconns_cap : 1024;
            while (cap <= fd) cap *= 2;
            conns = xrealloc(conns, (size_t)cap * sizeof *conns);
            for (int i = nconns_cap; i < cap; i++) { memset(&conns[i], 0, sizeof *conns); conns[i].fd = -1; }
            nconns_cap = cap;
        }
        struct conn *c = &conns[fd];
        c->fd = fd;
        c->gen++;
        struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
}

static int open_listener(const char *addr)
{
    int fd;
    if (strncmp(addr, "unix:", 5) == 0) {
        struct sockaddr_un sun = { .sun_family = AF_UNIX };
        snprintf(sun.sun_path, sizeof sun.sun_path, "%s", addr + 5);
        unlink(sun.sun_path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0) return -1;
    } else {
        const char *colon = strrchr(addr, ':');
        if (!colon) return -1;
        char host[64];
        snprintf(host, sizeof host, "%.*s", (int)(colon - addr), addr);
        struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1)) };
        if (inet_pton(AF_INET, host[0] ? host : "127.0.0.1", &sin.sin_addr) != 1) return -1;
        fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) return -1;
    }
    return listen(fd, 4096) < 0 ? -1 : fd;
}

int main(int argc, char **argv)
{
    const char *addr = "127.0.0.1:9003";
    for (int i = 1; i < argc; i++) {
        if ((!strcmp(argv[i], "-a") || !strcmp(argv[i], "--addr")) && i + 1 < argc) addr = argv[++i];
        else { fprintf(stderr, "usage: %s [-a host:port|unix:/path]\n", argv[0]); return 2; }
    }
    signal(SIGPIPE, SIG_IGN);
    listen_fd = open_listener(addr);
    if (listen_fd < 0) { perror(addr); return 1; }
    ep = epoll_create1(EPOLL_CLOEXEC);
    tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = listen_fd };
    epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev);
    ev.data.fd = tfd;
    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == listen_fd) accept_all();
            else if (fd == tfd) timers_fire();
            else if (fd < nconns_cap && conns[fd].fd == fd) {
                struct conn *c = &conns[fd];
                if (events[i].events & EPOLLOUT) { if (!conn_flush(c)) continue; }
                if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) conn_read(c);
            }
        }
        for (size_t i = 0; i < ndirty; i++) /* output produced by timers */
            if (dirty[i] < nconns_cap && conns[dirty[i]].fd == dirty[i]) conn_flush(&conns[dirty[i]]);
        ndirty = 0;
    }
}
