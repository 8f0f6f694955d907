/*
 * bench_nats - the same measurements as bench/federation.sh makes of
 * gsomia, made of NATS JetStream over TLS on this machine, for comparison.
 *
 *   bench_nats certs DIR       writes a CA and certificates for a server
 *                              and a client into DIR (mutual TLS)
 *   bench_nats run URL DIR     publishes ~300-byte messages to a file-
 *                              backed stream and consumes them: latency at
 *                              100 and 1,000 messages/s (publish to
 *                              consume, p50/p99/p99.9) and the rate of a
 *                              burst; prints one line per figure
 * The script starts and stops nats-server (127.0.0.1 only).
 */
#include <inttypes.h>
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/time.h"
#include "peer/x509.h"

#define PAYLOAD 300
#define MAX_MSGS 200000

static int64_t *lat;
static volatile long received;
static long expected;

static void on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg,
                   void *closure)
{
    int64_t sent;

    (void)nc;
    (void)sub;
    (void)closure;
    if (natsMsg_GetDataLength(msg) >= (int)sizeof(sent)) {
        memcpy(&sent, natsMsg_GetData(msg), sizeof(sent));
        if (received < MAX_MSGS)
            lat[received] = (gs_mono_ns() - sent) / 1000;
    }
    __atomic_add_fetch(&received, 1, __ATOMIC_SEQ_CST);
    natsMsg_Destroy(msg);
}

static int cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

static void wait_for(long n)
{
    int64_t end = gs_mono_ns() + 30 * 1000000000LL;

    while (__atomic_load_n(&received, __ATOMIC_SEQ_CST) < n &&
           gs_mono_ns() < end)
        usleep(1000);
}

/* Publishes n messages at rate per second, each waiting for its PubAck
 * (the stream stored it), and reports the publish-to-consume latency. */
static void paced(jsCtx *js, long n, double rate)
{
    char data[PAYLOAD];
    int64_t start = gs_mono_ns(), t;
    jsErrCode jerr;
    long i;

    memset(data, 'x', sizeof(data));
    received = 0;
    expected = n;
    for (i = 0; i < n; i++) {
        jsPubAck *pa = NULL;

        /* Sleep until shortly before the message is due, then spin. */
        while (gs_mono_ns() < start + (int64_t)(i * 1e9 / rate)) {
            int64_t left = start + (int64_t)(i * 1e9 / rate) - gs_mono_ns();

            if (left > 200000)
                usleep((useconds_t)((left - 100000) / 1000));
        }
        t = gs_mono_ns();
        memcpy(data, &t, sizeof(t));
        if (js_Publish(&pa, js, "gs.items", data, sizeof(data), NULL, &jerr) !=
            NATS_OK) {
            fprintf(stderr, "bench_nats: publish failed (%d)\n", (int)jerr);
            exit(1);
        }
        jsPubAck_Destroy(pa);
    }
    wait_for(n);
    qsort(lat, (size_t)received, sizeof(*lat), cmp);
    printf("%-40s n=%-6ld p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms\n",
           rate < 500 ? "100/s, publish to consume"
                      : "1000/s, publish to consume",
           received, lat[received / 2] / 1000.0,
           lat[(long)(received * 0.99)] / 1000.0,
           lat[(long)(received * 0.999)] / 1000.0);
}

static void burst(jsCtx *js, long n)
{
    char data[PAYLOAD];
    int64_t start;
    long i;

    memset(data, 'y', sizeof(data));
    received = 0;
    expected = n;
    start = gs_mono_ns();
    for (i = 0; i < n; i++) {
        int64_t t = gs_mono_ns();

        memcpy(data, &t, sizeof(t));
        js_PublishAsync(js, "gs.items", data, sizeof(data), NULL);
    }
    js_PublishAsyncComplete(js, NULL);
    wait_for(n);
    printf("burst: %ld messages in %.2f s: %.0f messages/s "
           "publish to consume\n",
           received, (gs_mono_ns() - start) / 1e9,
           received / ((gs_mono_ns() - start) / 1e9));
}

static int run(const char *url, const char *dir)
{
    natsConnection *nc = NULL;
    natsOptions *opts = NULL;
    natsSubscription *sub = NULL;
    jsCtx *js = NULL;
    jsStreamConfig cfg;
    jsSubOptions so;
    jsErrCode jerr = 0;
    const char *subjects[] = {"gs.items"};
    char ca[512], crt[512], key[512];

    snprintf(ca, sizeof(ca), "%s/ca.crt", dir);
    snprintf(crt, sizeof(crt), "%s/client.crt", dir);
    snprintf(key, sizeof(key), "%s/client.key", dir);
    lat = calloc(MAX_MSGS, sizeof(*lat));
    if (natsOptions_Create(&opts) != NATS_OK ||
        natsOptions_SetURL(opts, url) != NATS_OK ||
        natsOptions_SetSecure(opts, true) != NATS_OK ||
        natsOptions_LoadCATrustedCertificates(opts, ca) != NATS_OK ||
        natsOptions_LoadCertificatesChain(opts, crt, key) != NATS_OK ||
        natsOptions_SetExpectedHostname(opts, "nats") != NATS_OK ||
        natsConnection_Connect(&nc, opts) != NATS_OK ||
        natsConnection_JetStream(&js, nc, NULL) != NATS_OK) {
        fprintf(stderr, "bench_nats: cannot connect to %s: %s\n", url,
                nats_GetLastError(NULL));
        return 1;
    }
    jsStreamConfig_Init(&cfg);
    cfg.Name = "GS";
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    if (js_AddStream(NULL, js, &cfg, NULL, &jerr) != NATS_OK) {
        fprintf(stderr, "bench_nats: cannot add the stream (%d)\n", (int)jerr);
        return 1;
    }
    jsSubOptions_Init(&so);
    so.Config.DeliverPolicy = js_DeliverNew;
    so.Config.AckPolicy = js_AckNone;
    if (js_Subscribe(&sub, js, "gs.items", on_msg, NULL, NULL, &so, &jerr) !=
        NATS_OK) {
        fprintf(stderr, "bench_nats: cannot subscribe (%d)\n", (int)jerr);
        return 1;
    }
    paced(js, 1000, 100);
    paced(js, 10000, 1000);
    burst(js, 100000);
    natsSubscription_Destroy(sub);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    natsOptions_Destroy(opts);
    free(lat);
    return 0;
}

static int certs(const char *dir)
{
    char a[512], b[512], c[512], d[512];

    snprintf(a, sizeof(a), "%s/ca.crt", dir);
    snprintf(b, sizeof(b), "%s/ca.key", dir);
    if (gs_x509_make_ca("USA", a, b, NULL) < 0)
        return 1;
    snprintf(c, sizeof(c), "%s/server.crt", dir);
    snprintf(d, sizeof(d), "%s/server.key", dir);
    if (gs_x509_make_node("USA", "nats", a, b, c, d, 30, NULL) < 0)
        return 1;
    snprintf(c, sizeof(c), "%s/client.crt", dir);
    snprintf(d, sizeof(d), "%s/client.key", dir);
    return gs_x509_make_node("USA", "client", a, b, c, d, 30, NULL) < 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "certs") == 0)
        return certs(argv[2]);
    if (argc == 4 && strcmp(argv[1], "run") == 0)
        return run(argv[2], argv[3]);
    fprintf(stderr, "usage: bench_nats certs DIR | run URL DIR\n");
    return 2;
}
