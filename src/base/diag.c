/* diag.c - collected diagnostics for people; see diag.h. */
#include "base/diag.h"

#include <stdarg.h>

#include "base/alloc.h"
#include "base/buf.h"

void gs_diag_init(struct gs_diag *d)
{
    d->msgs = NULL;
    d->n_msgs = 0;
    d->errors = 0;
    d->warnings = 0;
}

void gs_diag_free(struct gs_diag *d)
{
    size_t i;

    for (i = 0; i < d->n_msgs; i++)
        gs_free(d->msgs[i]);
    gs_free(d->msgs);
    gs_diag_init(d);
}

static void diag_add(struct gs_diag *d, const struct gs_pos *pos,
                     const char *kind, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void diag_add(struct gs_diag *d, const struct gs_pos *pos,
                     const char *kind, const char *fmt, va_list ap)
{
    struct gs_buf b;

    if (d->n_msgs >= GS_DIAG_KEEP)
        return;
    gs_buf_init(&b, 4096);
    if (pos != NULL && pos->file != NULL) {
        if (pos->line > 0 && pos->col > 0)
            gs_buf_printf(&b, "%s:%u:%u: ", pos->file, pos->line, pos->col);
        else if (pos->line > 0)
            gs_buf_printf(&b, "%s:%u: ", pos->file, pos->line);
        else
            gs_buf_printf(&b, "%s: ", pos->file);
    }
    gs_buf_printf(&b, "%s: ", kind);
    if (gs_buf_vprintf(&b, fmt, ap) < 0)
        gs_buf_append_str(&b, "(message too long)");
    d->msgs = gs_reallocarray(d->msgs, d->n_msgs + 1, sizeof(*d->msgs));
    d->msgs[d->n_msgs++] = gs_strdup(gs_buf_str(&b));
    gs_buf_free(&b);
}

void gs_diag_error(struct gs_diag *d, const struct gs_pos *pos, const char *fmt,
                   ...)
{
    va_list ap;

    if (d == NULL)
        return;
    d->errors++;
    va_start(ap, fmt);
    diag_add(d, pos, "error", fmt, ap);
    va_end(ap);
}

void gs_diag_warn(struct gs_diag *d, const struct gs_pos *pos, const char *fmt,
                  ...)
{
    va_list ap;

    if (d == NULL)
        return;
    d->warnings++;
    va_start(ap, fmt);
    diag_add(d, pos, "warning", fmt, ap);
    va_end(ap);
}

void gs_diag_print(const struct gs_diag *d, FILE *out)
{
    size_t i, total = d->errors + d->warnings;

    for (i = 0; i < d->n_msgs; i++)
        fprintf(out, "%s\n", d->msgs[i]);
    if (total > d->n_msgs)
        fprintf(out, "... and %zu more\n", total - d->n_msgs);
}

const char *gs_diag_first(const struct gs_diag *d)
{
    return d->n_msgs > 0 ? d->msgs[0] : "";
}
