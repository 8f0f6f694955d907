/*
 * jline.c - JSON lines with stream positions; see jline.h.
 */
#include "track/jline.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"

int gs_jline_parse(struct gs_jline *jl, const char *file, unsigned line,
                   const char *text, size_t len, struct gs_diag *out)
{
    memset(jl, 0, sizeof(*jl));
    gs_diag_init(&jl->tmp);
    jl->file = file;
    jl->line = line;
    jl->out = out;
    jl->c.doc = &jl->doc;
    jl->c.diag = &jl->tmp;
    if (len > GS_JLINE_MAX) {
        struct gs_pos p = {file, line, 0};

        gs_diag_error(out, &p, "line longer than %u bytes", GS_JLINE_MAX);
        return GS_ERR_TOO_BIG;
    }
    return gs_jdoc_parse(&jl->doc, file, text, len, &jl->tmp);
}

void gs_jline_error(struct gs_jline *jl, const json_t *obj, const char *key,
                    const char *fmt, ...)
{
    struct gs_pos p =
        key ? gs_jpos_member(&jl->doc, obj, key) : gs_jpos_value(&jl->doc, obj);
    struct gs_buf b;
    va_list ap;

    gs_buf_init(&b, 4096);
    va_start(ap, fmt);
    if (gs_buf_vprintf(&b, fmt, ap) < 0)
        gs_buf_append_str(&b, "(message too long)");
    va_end(ap);
    gs_diag_error(&jl->tmp, &p, "%s", gs_buf_str(&b));
    gs_buf_free(&b);
}

void gs_jline_done(struct gs_jline *jl)
{
    size_t flen = strlen(jl->file), i;

    for (i = 0; i < jl->tmp.n_msgs; i++) {
        const char *m = jl->tmp.msgs[i];
        struct gs_pos p = {jl->file, jl->line, 0};
        const char *rest = m;

        /* "FILE:1:COL: error: MSG" or "FILE:1: error: MSG". */
        if (strncmp(m, jl->file, flen) == 0 &&
            strncmp(m + flen, ":1:", 3) == 0) {
            char *end;
            unsigned long col = strtoul(m + flen + 3, &end, 10);

            if (end != m + flen + 3 && *end == ':') {
                p.col = (unsigned)col;
                rest = end + 1;
            } else {
                rest = m + flen + 3;
            }
            while (*rest == ' ')
                rest++;
            if (strncmp(rest, "error: ", 7) == 0)
                rest += 7;
            gs_diag_error(jl->out, &p, "%s", rest);
        } else {
            gs_diag_error(jl->out, NULL, "%s", m);
        }
    }
    /* Errors past those kept still count. */
    if (jl->out != NULL && jl->tmp.errors > jl->tmp.n_msgs)
        jl->out->errors += jl->tmp.errors - jl->tmp.n_msgs;
    gs_diag_free(&jl->tmp);
    gs_jdoc_free(&jl->doc);
}
