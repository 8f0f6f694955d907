/* fuzz_plot.c - the radar plot stream (gsomia track's standard input): each
 * line through the plot reader; what it accepts must survive writing and
 * reading again unchanged, and then goes into a tracker. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "track/plot.h"
#include "track/tracker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES 32

/* Two radars the plots may name: an X-band with range rate, and a UHF
 * early-warning radar. */
static void radars(struct gs_sensor s[2])
{
    static const struct gs_geodetic a = {40.95 * GS_DEG, 140.32 * GS_DEG, 40};
    static const struct gs_geodetic b = {38.05 * GS_DEG, 138.35 * GS_DEG, 300};

    memset(s, 0, 2 * sizeof(*s));
    gs_sensor_class_defaults(&s[0], GS_RADAR_X_BAND);
    memcpy(s[0].id, "X1", 3);
    memcpy(s[0].nation, "USA", 4);
    s[0].sigma_rr = 1.0;
    gs_site_init(&s[0].site, &a);
    gs_sensor_class_defaults(&s[1], GS_RADAR_UHF);
    memcpy(s[1].id, "U1", 3);
    memcpy(s[1].nation, "USA", 4);
    gs_site_init(&s[1].site, &b);
}

static int same(const struct gs_plot *a, const struct gs_plot *b)
{
    return a->time == b->time && a->sensor == b->sensor &&
           a->range == b->range && a->az == b->az && a->el == b->el &&
           a->has_rr == b->has_rr && (!a->has_rr || a->rr == b->rr);
}

static void drain(struct gs_tracker *t)
{
    struct gs_track_update u[16];

    while (gs_tracker_poll(t, u, 16) > 0)
        ;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gs_sensor s[2];
    struct gs_tracker_config c;
    struct gs_tracker *t = NULL;
    const char *text = (const char *)data, *end = text + size;
    unsigned line = 0;

    radars(s);
    gs_tracker_config_default(&c);
    if (gs_tracker_new(&c, s, 2, &t) < 0)
        abort();
    while (text < end && line < MAX_LINES) {
        const char *nl = memchr(text, '\n', (size_t)(end - text));
        size_t len = nl != NULL ? (size_t)(nl - text) : (size_t)(end - text);
        struct gs_plot p, q;
        struct gs_diag d;
        struct gs_buf b;

        line++;
        gs_diag_init(&d);
        if (gs_plot_parse(text, len, "fuzz", line, s, 2, &p, &d) == 0) {
            /* Written with 17 digits, a plot reads back the same. */
            gs_buf_init(&b, 1024);
            if (gs_plot_write(&b, &p, &s[p.sensor]) < 0 ||
                gs_plot_parse(gs_buf_str(&b), b.len - 1, "again", 1, s, 2, &q,
                              &d) < 0 ||
                !same(&p, &q))
                abort();
            gs_buf_free(&b);
            (void)gs_tracker_add_plot(t, &p, NULL, 0);
            drain(t);
        }
        gs_diag_free(&d);
        text += len + (nl != NULL);
    }
    gs_tracker_finish(t);
    drain(t);
    gs_tracker_free(t);
    return 0;
}
