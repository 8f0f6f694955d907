/*
 * frame.h - length-prefixed frames with a hard maximum size.
 *
 * A frame is a 4-byte big-endian length and that many bytes. The reader
 * refuses a frame whose declared length exceeds its maximum before
 * buffering any of it, so a peer cannot make a node allocate more than the
 * maximum plus one read.
 */
#ifndef GS_PEER_FRAME_H
#define GS_PEER_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Items are at most 16 MiB; a frame adds its few fields. */
#define GS_FRAME_MAX ((16u << 20) + 4096)

/* Appends a frame holding payload to out. */
int gs_frame_append(struct gs_buf *out, const uint8_t *payload, size_t n);

struct gs_framer {
    struct gs_buf buf;
    size_t start; /* bytes of buf already handed out */
    size_t max;
};

void gs_framer_init(struct gs_framer *f, size_t max);
void gs_framer_free(struct gs_framer *f);
/* Takes n more bytes of the stream. */
int gs_framer_feed(struct gs_framer *f, const uint8_t *p, size_t n);
/*
 * The next complete frame: returns 1 with *payload and *len set (valid
 * until the next feed), 0 when none is complete yet, GS_ERR_TOO_BIG when
 * the next frame declares more than the maximum (the stream is then
 * unusable).
 */
int gs_framer_next(struct gs_framer *f, const uint8_t **payload, size_t *len);

#endif
