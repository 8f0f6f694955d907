/*
 * feeder.c - replaying plots into a node; see feeder.h.
 */
#include "cli/feeder.h"

#include <jansson.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "peer.pb-c.h"

#define FILE_MAX (512u << 20)
#define BATCH_MAX 4096

int gs_feeder_load(struct gs_feeder *f, const char *dir, const char *path,
                   struct gs_diag *d)
{
    struct gs_buf b;
    struct gs_pos pos = {path, 0, 0};
    gs_time_t latest = 0;
    size_t start = 0, i;
    int rc;

    memset(f, 0, sizeof(*f));
    f->dir = gs_strdup(dir);
    f->source = gs_strdup(path);
    gs_buf_init(&b, FILE_MAX);
    rc = gs_buf_read_file(&b, path);
    if (rc < 0) {
        gs_diag_error(d, &pos, "%s",
                      rc == GS_ERR_NOT_FOUND ? "no such file"
                                             : "cannot read the file");
        gs_buf_free(&b);
        return rc;
    }
    for (i = 0; i <= b.len; i++) {
        const char *line = (const char *)b.data + start;
        size_t len = i - start;
        json_t *v;
        gs_time_t t;

        if (i < b.len && b.data[i] != '\n')
            continue;
        start = i + 1;
        if (len == 0 && i == b.len)
            break;
        f->lines = gs_reallocarray(f->lines, f->n + 1, sizeof(*f->lines));
        f->due = gs_reallocarray(f->due, f->n + 1, sizeof(*f->due));
        f->lines[f->n] = gs_malloc(len + 1);
        memcpy(f->lines[f->n], line, len);
        f->lines[f->n][len] = '\0';
        v = json_loadb(line, len, 0, NULL);
        if (v != NULL && json_is_string(json_object_get(v, "time")) &&
            gs_time_parse(json_string_value(json_object_get(v, "time")), &t) ==
                0 &&
            t > latest)
            latest = t;
        json_decref(v);
        f->due[f->n++] = latest;
    }
    /* Lines before the first timed one go with it. */
    for (i = 0; i < f->n && f->due[i] == 0; i++)
        ;
    if (i < f->n) {
        gs_time_t first = f->due[i];

        while (i > 0)
            f->due[--i] = first;
    }
    gs_buf_free(&b);
    return 0;
}

void gs_feeder_free(struct gs_feeder *f)
{
    size_t i;

    for (i = 0; i < f->n; i++)
        gs_free(f->lines[i]);
    gs_free(f->lines);
    gs_free(f->due);
    gs_free(f->entered);
    gs_free(f->batch_time);
    gs_free(f->dir);
    gs_free(f->source);
    gs_client_close(f->c);
    memset(f, 0, sizeof(*f));
}

gs_time_t gs_feeder_start(const struct gs_feeder *f)
{
    return f->n > 0 ? f->due[0] : 0;
}

bool gs_feeder_done(const struct gs_feeder *f)
{
    return f->next >= f->n;
}

static void answer(struct gs_feeder *f, const Gsomia__PlotsTaken *t)
{
    size_t i;

    f->answered++;
    f->accepted += t->accepted;
    for (i = 0; i < t->n_errors; i++)
        if (f->errors != NULL)
            fprintf(f->errors, "%s\n", t->errors[i]);
    if (t->tag >= 1 && t->tag <= f->n_batches) {
        f->entered =
            gs_reallocarray(f->entered, f->n_entered + 1, sizeof(*f->entered));
        f->entered[f->n_entered].plot_time = f->batch_time[t->tag - 1];
        f->entered[f->n_entered++].entered = t->entered_us;
    }
}

static int read_answers(struct gs_feeder *f, int timeout_ms)
{
    Gsomia__Frame *fr;
    int rc;

    while (f->c != NULL && (rc = gs_client_next(f->c, timeout_ms, &fr)) == 0) {
        if (fr->kind_case == GSOMIA__FRAME__KIND_PLOTS_TAKEN)
            answer(f, fr->plots_taken);
        gsomia__frame__free_unpacked(fr, NULL);
        if (f->answered >= f->tag)
            timeout_ms = 0;
    }
    if (f->c != NULL && rc != GS_ERR_STATE) {
        gs_client_close(f->c);
        f->c = NULL;
        return GS_ERR_IO;
    }
    return 0;
}

int gs_feeder_step(struct gs_feeder *f, gs_time_t until)
{
    size_t first = f->next, k;

    while (f->next < f->n && f->due[f->next] <= until &&
           f->next - first < BATCH_MAX)
        f->next++;
    if (f->c == NULL && gs_client_open(f->dir, &f->c) < 0) {
        f->c = NULL;
        f->undelivered += f->next - first;
        if (!f->down_said && f->errors != NULL && f->next > first)
            fprintf(f->errors,
                    "gsomia: the node of %s is not running; "
                    "plots are not delivered until it is\n",
                    f->dir);
        f->down_said = true;
        return f->next > first ? GS_ERR_IO : 0;
    }
    f->down_said = false;
    /* With no plot due, the clock still goes to the node once a second. */
    if (f->next == first && gs_time_now() - f->clock_sent >= GS_USEC_PER_SEC) {
        f->tag++;
        f->batch_time = gs_reallocarray(f->batch_time, f->n_batches + 1,
                                        sizeof(*f->batch_time));
        f->batch_time[f->n_batches++] = until;
        if (gs_client_plots(f->c, f->tag, f->source, 0, NULL, 0, until) < 0) {
            gs_client_close(f->c);
            f->c = NULL;
            return GS_ERR_IO;
        }
        f->clock_sent = gs_time_now();
    }
    if (f->next > first) {
        k = f->next - first;
        f->tag++;
        f->batch_time = gs_reallocarray(f->batch_time, f->n_batches + 1,
                                        sizeof(*f->batch_time));
        f->batch_time[f->n_batches++] = f->due[f->next - 1];
        f->clock_sent = gs_time_now();
        if (gs_client_plots(f->c, f->tag, f->source, (unsigned)first + 1,
                            f->lines + first, k, until) < 0) {
            f->undelivered += k;
            gs_client_close(f->c);
            f->c = NULL;
            return GS_ERR_IO;
        }
        f->sent += k;
    }
    return read_answers(f, 0);
}

void gs_feeder_drain(struct gs_feeder *f, int timeout_ms)
{
    gs_time_t end = gs_time_now() + (gs_time_t)timeout_ms * 1000;

    while (f->c != NULL && f->answered < f->tag && gs_time_now() < end)
        read_answers(f, 50);
    f->refused = f->sent - f->accepted;
}

gs_time_t gs_feeder_entered_exact(const struct gs_feeder *f, gs_time_t t)
{
    size_t lo = 0, hi = f->n_entered;

    /* Answers come in the order the batches went, by plot time. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (f->entered[mid].plot_time < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < f->n_entered && f->entered[lo].plot_time == t
               ? f->entered[lo].entered
               : 0;
}

gs_time_t gs_feeder_entered(const struct gs_feeder *f, gs_time_t t)
{
    size_t i;

    for (i = 0; i < f->n_entered; i++)
        if (f->entered[i].plot_time >= t)
            return f->entered[i].entered;
    return 0;
}
