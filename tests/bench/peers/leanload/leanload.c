// A minimal FastCGI load generator in plain C (epoll, one thread), beside afcgi-bench.
//
// afcgi-bench verifies every response and keeps latency histograms; at depth 1 that costs it
// as much CPU per request as the server under test, so the bench, not the server, sets the
// pace. This client does the least a client can (one write and one read per request, a check
// of END_REQUEST's protocol status and of a non-empty STDOUT), so depth-1 rows measure the
// server. The requests a read completes are sent again in one write. compare.sh uses it for the
// /hello rows (LOADGEN=lean, the default there).
//
//   leanload HOST PORT CONNS DEPTH SECONDS WARMUP_SECONDS PATH [IDLE]
//
// IDLE connections are opened first and left silent for the whole run, as a web server's
// keep-alive connections are between bursts: a server whose cost per event-loop turn grows
// with its connections shows it here.
//
// Prints one line: "requests=N seconds=S rps=R p99_us=P errors=E cpu_percent=C" (C: its own
// CPU use over the whole run).
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { kHeader = 8, kBufferSize = 256 * 1024, kMaxDepth = 1024, kLatencyBuckets = 1000000 };

struct conn {
    int fd;
    unsigned char in[kBufferSize];
    size_t used;
    int stdoutSeen[kMaxDepth + 1];
    double sentAt[kMaxDepth + 1];
};

// Latency by whole microsecond up to a second; slower ones count in the last bucket.
static long long g_latency[kLatencyBuckets];
static unsigned char g_out[(kMaxDepth + 1) * 512];

static unsigned char g_request[kMaxDepth + 1][512];
static size_t g_requestLength;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t putRecord(unsigned char *out, int type, int id, const void *content, size_t length)
{
    out[0] = 1;
    out[1] = (unsigned char)type;
    out[2] = (unsigned char)(id >> 8);
    out[3] = (unsigned char)id;
    out[4] = (unsigned char)(length >> 8);
    out[5] = (unsigned char)length;
    out[6] = 0;
    out[7] = 0;
    memcpy(out + kHeader, content, length);
    return kHeader + length;
}

static size_t putPair(unsigned char *out, const char *name, const char *value)
{
    size_t n = strlen(name), v = strlen(value);
    out[0] = (unsigned char)n;
    out[1] = (unsigned char)v;
    memcpy(out + 2, name, n);
    memcpy(out + 2 + n, value, v);
    return 2 + n + v;
}

// The same bytes nginx sends for a GET, one request per id, encoded once.
static void buildRequests(const char *path, int depth)
{
    for (int id = 1; id <= depth; ++id) {
        unsigned char params[400];
        size_t p = 0;
        p += putPair(params + p, "REQUEST_METHOD", "GET");
        p += putPair(params + p, "REQUEST_URI", path);
        p += putPair(params + p, "SCRIPT_NAME", path);
        p += putPair(params + p, "QUERY_STRING", "");
        p += putPair(params + p, "SERVER_PROTOCOL", "HTTP/1.1");
        p += putPair(params + p, "GATEWAY_INTERFACE", "CGI/1.1");
        const unsigned char begin[8] = {0, 1, 1, 0, 0, 0, 0, 0}; // responder, KEEP_CONN
        unsigned char *out = g_request[id];
        size_t n = 0;
        n += putRecord(out + n, 1, id, begin, sizeof begin);
        n += putRecord(out + n, 4, id, params, p);
        n += putRecord(out + n, 4, id, "", 0);
        n += putRecord(out + n, 5, id, "", 0);
        g_requestLength = n;
    }
}

// Appends request `id` to `out` (sent by the caller) and notes when it left.
static size_t queueRequest(struct conn *c, int id, unsigned char *out, double t)
{
    c->stdoutSeen[id] = 0;
    c->sentAt[id] = t;
    memcpy(out, g_request[id], g_requestLength);
    return g_requestLength;
}

static int sendAll(int fd, const unsigned char *bytes, size_t length)
{
    // A few KB into an emptied socket buffer: the kernel takes it whole, or the server is gone.
    return write(fd, bytes, length) == (ssize_t)length ? 0 : -1;
}

static double percentile(double fraction)
{
    long long total = 0, seen = 0;
    for (int i = 0; i < kLatencyBuckets; ++i)
        total += g_latency[i];
    for (int i = 0; i < kLatencyBuckets; ++i) {
        seen += g_latency[i];
        if (total > 0 && seen >= fraction * total)
            return i;
    }
    return 0;
}

// Opens `count` connections that never send anything (kept open until the process exits).
static int openIdle(const struct sockaddr_in *address, int count)
{
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    for (int i = 0; i < count; ++i) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (const struct sockaddr *)address, sizeof *address) != 0) {
            fprintf(stderr, "leanload: idle connection %d of %d: %s\n", i + 1, count, strerror(errno));
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 8 && argc != 9) {
        fprintf(stderr, "usage: %s HOST PORT CONNS DEPTH SECONDS WARMUP_SECONDS PATH [IDLE]\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    const int port = atoi(argv[2]), conns = atoi(argv[3]), depth = atoi(argv[4]);
    const double seconds = atof(argv[5]), warmup = atof(argv[6]);
    const int idle = argc == 9 ? atoi(argv[8]) : 0;
    if (conns < 1 || depth < 1 || depth > kMaxDepth || seconds <= 0) {
        fprintf(stderr, "leanload: bad arguments\n");
        return 2;
    }
    buildRequests(argv[7], depth);

    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        fprintf(stderr, "leanload: not an IPv4 address: %s\n", host);
        return 2;
    }
    if (idle > 0 && openIdle(&address, idle) != 0)
        return 1;
    const int epoll = epoll_create1(0);
    struct conn *all = calloc((size_t)conns, sizeof *all);
    for (int i = 0; i < conns; ++i) {
        struct conn *c = &all[i];
        c->fd = socket(AF_INET, SOCK_STREAM, 0);
        if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&address, sizeof address) != 0) {
            perror("leanload: connect");
            return 1;
        }
        const int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct epoll_event event = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(epoll, EPOLL_CTL_ADD, c->fd, &event);
        size_t pending = 0;
        for (int id = 1; id <= depth; ++id)
            pending += queueRequest(c, id, g_out + pending, now());
        if (sendAll(c->fd, g_out, pending) != 0) {
            perror("leanload: write");
            return 1;
        }
    }

    long long counted = 0, errors = 0;
    const double start = now(), measureFrom = start + warmup, end = measureFrom + seconds;
    int measuring = warmup <= 0;
    struct epoll_event events[256];
    for (;;) {
        const double t = now();
        if (!measuring && t >= measureFrom) {
            measuring = 1;
            counted = 0;
            errors = 0;
        }
        if (t >= end)
            break;
        const int ready = epoll_wait(epoll, events, 256, 100);
        for (int e = 0; e < ready; ++e) {
            struct conn *c = events[e].data.ptr;
            const ssize_t got = read(c->fd, c->in + c->used, sizeof c->in - c->used);
            if (got <= 0) {
                fprintf(stderr, "leanload: connection %s\n", got == 0 ? "closed" : strerror(errno));
                return 1;
            }
            c->used += (size_t)got;
            const double t = now();
            size_t at = 0, pending = 0;
            while (c->used - at >= kHeader) {
                const unsigned char *h = c->in + at;
                const size_t length = ((size_t)h[4] << 8 | h[5]) + h[6];
                if (c->used - at < kHeader + length)
                    break;
                const int type = h[1], id = h[2] << 8 | h[3];
                if (id < 1 || id > depth) {
                    fprintf(stderr, "leanload: record for unknown id %d\n", id);
                    return 1;
                }
                if (type == 6 && length > 0)
                    c->stdoutSeen[id] = 1;
                if (type == 3) {
                    if (h[kHeader + 4] != 0 || !c->stdoutSeen[id])
                        ++errors;
                    ++counted;
                    if (measuring) {
                        const long long micros = (long long)((t - c->sentAt[id]) * 1e6);
                        ++g_latency[micros < kLatencyBuckets ? micros : kLatencyBuckets - 1];
                    }
                    pending += queueRequest(c, id, g_out + pending, t);
                }
                at += kHeader + length;
            }
            memmove(c->in, c->in + at, c->used - at);
            c->used -= at;
            if (pending > 0 && sendAll(c->fd, g_out, pending) != 0) {
                perror("leanload: write");
                return 1;
            }
        }
    }
    const double elapsed = now() - (warmup > 0 ? measureFrom : start);
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    const double cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec
                       + usage.ru_stime.tv_usec / 1e6;
    printf("requests=%lld seconds=%.3f rps=%.0f p99_us=%.0f errors=%lld cpu_percent=%.0f\n", counted,
           elapsed, counted / elapsed, percentile(0.99), errors, 100 * cpu / (now() - start));
    return errors ? 1 : 0;
}
