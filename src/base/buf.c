/* buf.c - bounded byte buffers; see buf.h for the contract. */
#include "base/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/err.h"

void gs_buf_init(struct gs_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void gs_buf_free(struct gs_buf *b)
{
    gs_free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void gs_buf_free_secret(struct gs_buf *b)
{
    if (b->data != NULL) {
        /* volatile keeps the compiler from dropping the final writes. */
        volatile uint8_t *p = b->data;
        size_t i;

        for (i = 0; i < b->cap; i++)
            p[i] = 0;
    }
    gs_buf_free(b);
}

void gs_buf_reset(struct gs_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

/* Makes room for extra more bytes plus the NUL, within the maximum. */
static int buf_reserve(struct gs_buf *b, size_t extra)
{
    size_t need, cap;

    if (__builtin_add_overflow(b->len, extra, &need) || need > b->max)
        return GS_ERR_TOO_BIG;
    need += 1; /* the trailing NUL */
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    b->data = gs_reallocarray(b->data, cap, 1);
    b->cap = cap;
    return 0;
}

int gs_buf_append(struct gs_buf *b, const void *p, size_t n)
{
    int rc = buf_reserve(b, n);

    if (rc < 0)
        return rc;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int gs_buf_append_str(struct gs_buf *b, const char *s)
{
    return gs_buf_append(b, s, strlen(s));
}

int gs_buf_vprintf(struct gs_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n, rc;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return GS_ERR_INVALID;
    rc = buf_reserve(b, (size_t)n);
    if (rc < 0)
        return rc;
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int gs_buf_printf(struct gs_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = gs_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *gs_buf_str(const struct gs_buf *b)
{
    return b->data != NULL ? (const char *)b->data : "";
}

int gs_buf_read_file(struct gs_buf *b, const char *path)
{
    uint8_t chunk[16384];
    int fd, rc = 0;
    ssize_t n;

    if (strcmp(path, "-") == 0) {
        fd = STDIN_FILENO;
    } else {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return errno == ENOENT ? GS_ERR_NOT_FOUND : GS_ERR_IO;
    }
    for (;;) {
        n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = GS_ERR_IO;
            break;
        }
        if (n == 0)
            break;
        rc = gs_buf_append(b, chunk, (size_t)n);
        if (rc < 0)
            break;
    }
    if (fd != STDIN_FILENO) {
        int saved = errno;

        close(fd);
        errno = saved;
    }
    if (rc == 0 && b->data == NULL)
        rc = gs_buf_append(b, "", 0); /* an empty file is "" */
    return rc;
}
