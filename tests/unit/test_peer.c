/*
 * test_peer.c - src/peer: mutual TLS 1.3 through memory BIOs, without
 * sockets. Two nations' nodes connect; an unknown CA, an expired
 * certificate, and a certificate whose nation differs from its CA's are
 * refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "peer/frame.h"
#include "peer/tls.h"
#include "peer/x509.h"

struct fixture {
    char dir[64];
};

static char *path(struct fixture *f, const char *name)
{
    static char buf[8][160];
    static int next;
    char *p = buf[next++ % 8];

    snprintf(p, 160, "%s/%s", f->dir, name);
    return p;
}

static void make_ca(struct fixture *f, const char *nation)
{
    char crt[32], key[32];

    snprintf(crt, sizeof(crt), "%s-ca.crt", nation);
    snprintf(key, sizeof(key), "%s-ca.key", nation);
    assert_int_equal(gs_x509_make_ca(nation, path(f, crt), path(f, key), NULL),
                     0);
}

/* A node certificate "name" claiming nation, issued by issuer's CA. */
static void make_node(struct fixture *f, const char *name, const char *nation,
                      const char *issuer, long days)
{
    char crt[32], key[32], ca[32], cakey[32];

    snprintf(crt, sizeof(crt), "%s.crt", name);
    snprintf(key, sizeof(key), "%s.key", name);
    snprintf(ca, sizeof(ca), "%s-ca.crt", issuer);
    snprintf(cakey, sizeof(cakey), "%s-ca.key", issuer);
    assert_int_equal(gs_x509_make_node(nation, name, path(f, ca),
                                       path(f, cakey), path(f, crt),
                                       path(f, key), days, NULL),
                     0);
}

static char *read_text(const char *p)
{
    struct gs_buf b;
    char *s;

    gs_buf_init(&b, 1 << 20);
    assert_int_equal(gs_buf_read_file(&b, p), 0);
    s = strdup(gs_buf_str(&b));
    gs_buf_free(&b);
    return s;
}

/* A context for node name, trusting the CAs of the nations listed. */
static struct gs_tls_ctx *ctx_for(struct fixture *f, const char *name,
                                  const char *const *trust, size_t n)
{
    struct gs_tls_ctx *c;
    char crt[32], key[32], ca[32];
    size_t i;

    snprintf(crt, sizeof(crt), "%s.crt", name);
    snprintf(key, sizeof(key), "%s.key", name);
    assert_int_equal(gs_tls_ctx_new(path(f, crt), path(f, key), &c, NULL), 0);
    for (i = 0; i < n; i++) {
        char *pem;

        snprintf(ca, sizeof(ca), "%s-ca.crt", trust[i]);
        pem = read_text(path(f, ca));
        assert_int_equal(gs_tls_ctx_trust(c, trust[i], pem, NULL), 0);
        free(pem);
    }
    return c;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    snprintf(f->dir, sizeof(f->dir), "/tmp/gsomia-tls-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    make_ca(f, "KOR");
    make_ca(f, "JPN");
    make_ca(f, "CHN");
    make_node(f, "seoul", "KOR", "KOR", 30);
    make_node(f, "tokyo", "JPN", "JPN", 30);
    make_node(f, "rogue", "JPN", "CHN", 30); /* an unknown CA */
    make_node(f, "stale", "JPN", "JPN", -1); /* expired */
    make_node(f, "liar", "USA", "JPN", 30);  /* JPN's CA, says USA */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* Moves bytes both ways until both sides settle; returns the first
 * error of either side, or 0. */
static int pump(struct gs_tls *a, struct gs_tls *b, struct gs_buf *pa,
                struct gs_buf *pb)
{
    struct gs_buf wire;
    int i, ra = 0, rb = 0;

    gs_buf_init(&wire, 1 << 24);
    for (i = 0; i < 50; i++) {
        gs_buf_reset(&wire);
        gs_tls_pending(a, &wire);
        if (wire.len)
            gs_tls_feed(b, wire.data, wire.len);
        rb = gs_tls_read(b, pb);
        gs_buf_reset(&wire);
        gs_tls_pending(b, &wire);
        if (wire.len)
            gs_tls_feed(a, wire.data, wire.len);
        ra = gs_tls_read(a, pa);
        if (ra < 0 || rb < 0)
            break;
    }
    gs_buf_free(&wire);
    return ra < 0 ? ra : rb;
}

static void partners_connect_and_talk(void **state)
{
    struct fixture *f = *state;
    static const char *const kor_trusts[] = {"JPN"}, *jpn_trusts[] = {"KOR"};
    struct gs_tls_ctx *ck = ctx_for(f, "seoul", kor_trusts, 1);
    struct gs_tls_ctx *cj = ctx_for(f, "tokyo", jpn_trusts, 1);
    struct gs_tls *client = gs_tls_new(ck, false);
    struct gs_tls *server = gs_tls_new(cj, true);
    struct gs_buf pc, ps;
    static char big[200000];

    gs_buf_init(&pc, 1 << 24);
    gs_buf_init(&ps, 1 << 24);
    /* Written before the handshake: sent once it completes. */
    assert_int_equal(gs_tls_write(client, (const uint8_t *)"HELLO", 5), 0);
    assert_int_equal(pump(client, server, &pc, &ps), 0);
    assert_true(gs_tls_established(client));
    assert_true(gs_tls_established(server));
    assert_string_equal(gs_tls_peer_nation(client), "JPN");
    assert_string_equal(gs_tls_peer_nation(server), "KOR");
    assert_int_equal(ps.len, 5);
    assert_memory_equal(ps.data, "HELLO", 5);
    memset(big, 'x', sizeof(big));
    assert_int_equal(gs_tls_write(server, (const uint8_t *)big, sizeof(big)),
                     0);
    assert_int_equal(pump(client, server, &pc, &ps), 0);
    assert_int_equal(pc.len, sizeof(big));
    gs_buf_free(&pc);
    gs_buf_free(&ps);
    gs_tls_free(client);
    gs_tls_free(server);
    gs_tls_ctx_free(ck);
    gs_tls_ctx_free(cj);
}

/* name connects to tokyo (which trusts KOR and JPN); tokyo must refuse
 * it, saying why. */
static void refused(struct fixture *f, const char *name, const char *why)
{
    static const char *const trusts[] = {"KOR", "JPN"};
    static const char *const jpn[] = {"JPN"};
    struct gs_tls_ctx *cc = ctx_for(f, name, jpn, 1);
    struct gs_tls_ctx *cs = ctx_for(f, "tokyo", trusts, 2);
    struct gs_tls *client = gs_tls_new(cc, false);
    struct gs_tls *server = gs_tls_new(cs, true);
    struct gs_buf pc, ps;

    gs_buf_init(&pc, 1 << 20);
    gs_buf_init(&ps, 1 << 20);
    gs_tls_write(client, (const uint8_t *)"secret", 6);
    assert_int_not_equal(pump(client, server, &pc, &ps), 0);
    assert_false(gs_tls_established(server));
    assert_int_equal(ps.len, 0);
    if (strstr(gs_tls_error(server), why) == NULL)
        fail_msg("%s: \"%s\" lacks \"%s\"", name, gs_tls_error(server), why);
    gs_buf_free(&pc);
    gs_buf_free(&ps);
    gs_tls_free(client);
    gs_tls_free(server);
    gs_tls_ctx_free(cc);
    gs_tls_ctx_free(cs);
}

static void strangers_are_refused(void **state)
{
    struct fixture *f = *state;

    refused(f, "rogue", "unable to get local issuer certificate");
    refused(f, "stale", "certificate has expired");
    refused(f, "liar", "names another nation");
}

static void garbage_is_an_error(void **state)
{
    struct fixture *f = *state;
    static const char *const trusts[] = {"KOR"};
    struct gs_tls_ctx *cs = ctx_for(f, "tokyo", trusts, 1);
    struct gs_tls *server = gs_tls_new(cs, true);
    struct gs_buf p;
    static const char junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    gs_buf_init(&p, 1 << 20);
    gs_tls_feed(server, (const uint8_t *)junk, sizeof(junk) - 1);
    assert_int_not_equal(gs_tls_read(server, &p), 0);
    assert_false(gs_tls_established(server));
    gs_buf_free(&p);
    gs_tls_free(server);
    gs_tls_ctx_free(cs);
}

static void frames_split_and_joined(void **state)
{
    struct gs_framer f;
    struct gs_buf wire;
    const uint8_t *p;
    size_t n, i, got = 0;
    uint8_t payload[1000];

    (void)state;
    for (i = 0; i < sizeof(payload); i++)
        payload[i] = (uint8_t)i;
    gs_buf_init(&wire, 1 << 20);
    for (i = 0; i < 50; i++)
        assert_int_equal(gs_frame_append(&wire, payload, i * 20), 0);
    assert_int_equal(gs_frame_append(&wire, payload, 0), 0);
    gs_framer_init(&f, 4096);
    /* Fed a byte at a time and in odd chunks: the same frames come out. */
    for (i = 0; i < wire.len; i += 7) {
        size_t chunk = wire.len - i < 7 ? wire.len - i : 7;
        int rc;

        assert_int_equal(gs_framer_feed(&f, wire.data + i, chunk), 0);
        while ((rc = gs_framer_next(&f, &p, &n)) == 1) {
            if (got < 50) {
                assert_int_equal(n, got * 20);
                assert_memory_equal(p, payload, n);
            } else {
                assert_int_equal(n, 0);
            }
            got++;
        }
        assert_int_equal(rc, 0);
    }
    assert_int_equal(got, 51);
    gs_framer_free(&f);
    gs_buf_free(&wire);
}

static void frames_too_large_are_refused_early(void **state)
{
    struct gs_framer f;
    const uint8_t *p;
    size_t n;
    /* A declared length of 4 GiB - 1, and no data behind it. */
    static const uint8_t huge[4] = {0xff, 0xff, 0xff, 0xff};
    static const uint8_t just[4] = {0x00, 0x00, 0x10, 0x01};

    (void)state;
    gs_framer_init(&f, 4096);
    assert_int_equal(gs_framer_feed(&f, huge, 4), 0);
    assert_int_equal(gs_framer_next(&f, &p, &n), GS_ERR_TOO_BIG);
    gs_framer_free(&f);
    gs_framer_init(&f, 4096);
    assert_int_equal(gs_framer_feed(&f, just, 4), 0); /* 4097 declared */
    assert_int_equal(gs_framer_next(&f, &p, &n), GS_ERR_TOO_BIG);
    gs_framer_free(&f);
    /* The buffer itself is bounded: a stream that never ends a frame
     * cannot grow it past the maximum. */
    gs_framer_init(&f, 16);
    {
        uint8_t junk[1024] = {0};

        junk[3] = 16;
        assert_int_equal(gs_framer_feed(&f, junk, sizeof(junk)), 0);
        assert_int_equal(gs_framer_next(&f, &p, &n), 1);
        assert_int_equal(n, 16);
    }
    gs_framer_free(&f);
    {
        struct gs_buf b;

        gs_buf_init(&b, 1 << 26);
        assert_int_equal(
            gs_frame_append(&b, (const uint8_t *)"", GS_FRAME_MAX + 1),
            GS_ERR_TOO_BIG);
        gs_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frames_split_and_joined),
        cmocka_unit_test(frames_too_large_are_refused_early),
        cmocka_unit_test(partners_connect_and_talk),
        cmocka_unit_test(strangers_are_refused),
        cmocka_unit_test(garbage_is_an_error),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
