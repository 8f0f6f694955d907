/*
 * buf.h - bounded, growable byte buffers.
 *
 * Everything gsomia reads from outside (files, frames, fields) is read into a
 * buffer that has a maximum size set by the caller; growing past it fails with
 * GS_ERR_TOO_BIG instead of exhausting memory. The contents are always
 * followed by a NUL byte that is not counted in len, so text can be used as a
 * C string directly.
 *
 *     struct gs_buf b;
 *     gs_buf_init(&b, 1 << 20);
 *     if (gs_buf_append(&b, p, n) < 0) ...   // refuses past 1 MiB
 *     gs_buf_free(&b);
 */
#ifndef GS_BASE_BUF_H
#define GS_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct gs_buf {
    uint8_t *data; /* NULL until the first append */
    size_t len;    /* bytes used, excluding the trailing NUL */
    size_t cap;    /* bytes allocated */
    size_t max;    /* len never exceeds this */
};

/* Prepares an empty buffer that may hold at most max bytes. */
void gs_buf_init(struct gs_buf *b, size_t max);
/* Releases the memory; the buffer is empty afterwards and may be reused. */
void gs_buf_free(struct gs_buf *b);
/* Like gs_buf_free, but overwrites the contents first (for secrets). */
void gs_buf_free_secret(struct gs_buf *b);
/* Empties the buffer and keeps its memory. */
void gs_buf_reset(struct gs_buf *b);

/* Appends n bytes; GS_ERR_TOO_BIG (buffer unchanged) past the maximum. */
int gs_buf_append(struct gs_buf *b, const void *p, size_t n);
int gs_buf_append_str(struct gs_buf *b, const char *s);
int gs_buf_printf(struct gs_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int gs_buf_vprintf(struct gs_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* The contents as a C string ("" when empty); valid until the next change. */
const char *gs_buf_str(const struct gs_buf *b);

/*
 * Reads a whole file into b, refusing files larger than b->max with
 * GS_ERR_TOO_BIG. path "-" reads standard input. GS_ERR_NOT_FOUND or
 * GS_ERR_IO on failure to open or read; errno is kept for the caller.
 */
int gs_buf_read_file(struct gs_buf *b, const char *path);

#endif
