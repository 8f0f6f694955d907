/* frame.c - length-prefixed frames; see frame.h. */
#include "peer/frame.h"

#include <string.h>

#include "base/err.h"

int gs_frame_append(struct gs_buf *out, const uint8_t *payload, size_t n)
{
    uint8_t len[4];
    int rc;

    if (n > GS_FRAME_MAX)
        return GS_ERR_TOO_BIG;
    len[0] = (uint8_t)(n >> 24);
    len[1] = (uint8_t)(n >> 16);
    len[2] = (uint8_t)(n >> 8);
    len[3] = (uint8_t)n;
    rc = gs_buf_append(out, len, sizeof(len));
    if (rc == 0)
        rc = gs_buf_append(out, payload, n);
    return rc;
}

void gs_framer_init(struct gs_framer *f, size_t max)
{
    /* Room for one maximal frame, its length, and one network read. */
    gs_buf_init(&f->buf, max + 4 + 65536);
    f->start = 0;
    f->max = max;
}

void gs_framer_free(struct gs_framer *f)
{
    gs_buf_free(&f->buf);
}

int gs_framer_feed(struct gs_framer *f, const uint8_t *p, size_t n)
{
    /* Drop what was handed out before growing. */
    if (f->start > 0) {
        memmove(f->buf.data, f->buf.data + f->start, f->buf.len - f->start);
        f->buf.len -= f->start;
        f->start = 0;
    }
    return gs_buf_append(&f->buf, p, n);
}

int gs_framer_next(struct gs_framer *f, const uint8_t **payload, size_t *len)
{
    size_t avail = f->buf.len - f->start, n;
    const uint8_t *p;

    *payload = NULL;
    *len = 0;
    if (avail < 4)
        return 0;
    p = f->buf.data + f->start;
    n = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
    if (n > f->max)
        return GS_ERR_TOO_BIG;
    if (avail < 4 + n)
        return 0;
    *payload = p + 4;
    *len = n;
    f->start += 4 + n;
    return 1;
}
