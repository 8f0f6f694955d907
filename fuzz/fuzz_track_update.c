/* fuzz_track_update.c - track updates as partner nations send them
 * (gsomia track --fuse-tracks, gsomia track-eval): each line through the
 * reader; what it accepts must write out and read back to the same bytes,
 * and is then fused by a tracker, as a partner's data would be. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "track/tracker.h"
#include "track/update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES 64

static void drain(struct gs_tracker *t)
{
    struct gs_track_update u[16];

    while (gs_tracker_poll(t, u, 16) > 0)
        ;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct gs_geodetic site = {38.05 * GS_DEG, 138.35 * GS_DEG,
                                            300};
    struct gs_sensor s;
    struct gs_tracker_config c;
    struct gs_tracker *t = NULL;
    const char *text = (const char *)data, *end = text + size;
    unsigned line = 0;

    memset(&s, 0, sizeof(s));
    gs_sensor_class_defaults(&s, GS_RADAR_UHF);
    memcpy(s.id, "JPN-U1", 7);
    memcpy(s.nation, "JPN", 4);
    gs_site_init(&s.site, &site);
    gs_tracker_config_default(&c);
    memcpy(c.nation, "JPN", 4);
    if (gs_tracker_new(&c, &s, 1, &t) < 0)
        abort();
    while (text < end && line < MAX_LINES) {
        const char *nl = memchr(text, '\n', (size_t)(end - text));
        size_t len = nl != NULL ? (size_t)(nl - text) : (size_t)(end - text);
        struct gs_track_update u, v;
        struct gs_diag d;

        line++;
        gs_diag_init(&d);
        if (gs_track_update_parse(text, len, "fuzz", line, &u, &d) == 0) {
            struct gs_buf a, b;

            /* Written out and read back, an update writes the same bytes
             * again (updates are signed as written). */
            gs_buf_init(&a, 1 << 16);
            gs_buf_init(&b, 1 << 16);
            if (gs_track_update_write(&u, &a) < 0 ||
                gs_track_update_parse(gs_buf_str(&a), a.len - 1, "again", 1, &v,
                                      &d) < 0 ||
                gs_track_update_write(&v, &b) < 0 || a.len != b.len ||
                memcmp(a.data, b.data, a.len) != 0)
                abort();
            gs_buf_free(&a);
            gs_buf_free(&b);
            (void)gs_tracker_add_partner(t, &u, NULL, 0);
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
