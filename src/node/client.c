/* client.c - the local socket, client side; see client.h. */
#include "node/client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/err.h"
#include "peer/frame.h"

struct gs_client {
    int fd;
    struct gs_framer framer;
};

int gs_client_open(const char *dir, struct gs_client **out)
{
    struct sockaddr_un addr;
    struct gs_client *c;
    int fd;

    *out = NULL;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    if ((size_t)snprintf(addr.sun_path, sizeof(addr.sun_path),
                         "%s/run/node.sock", dir) >= sizeof(addr.sun_path))
        return GS_ERR_TOO_BIG;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return GS_ERR_IO;
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        close(fd);
        return GS_ERR_NOT_FOUND;
    }
    c = gs_calloc(1, sizeof(*c));
    c->fd = fd;
    gs_framer_init(&c->framer, GS_FRAME_MAX);
    *out = c;
    return 0;
}

void gs_client_close(struct gs_client *c)
{
    if (c == NULL)
        return;
    close(c->fd);
    gs_framer_free(&c->framer);
    gs_free(c);
}

static int send_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return GS_ERR_IO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int send_frame(struct gs_client *c, const Gsomia__Frame *f)
{
    size_t n = gsomia__frame__get_packed_size(f);
    uint8_t *payload = gs_malloc(n ? n : 1);
    struct gs_buf framed;
    int rc;

    gsomia__frame__pack(f, payload);
    gs_buf_init(&framed, GS_FRAME_MAX + 4);
    rc = gs_frame_append(&framed, payload, n);
    if (rc == 0)
        rc = send_all(c->fd, framed.data, framed.len);
    gs_buf_free(&framed);
    gs_free(payload);
    return rc;
}

int gs_client_submit(struct gs_client *c, const Gsomia__ItemBody *body,
                     uint64_t tag)
{
    Gsomia__Frame f = GSOMIA__FRAME__INIT;
    Gsomia__Submit s = GSOMIA__SUBMIT__INIT;
    size_t n = gsomia__item_body__get_packed_size(body);
    int rc;

    s.tag = tag;
    s.body.len = n;
    s.body.data = gs_malloc(n ? n : 1);
    gsomia__item_body__pack(body, s.body.data);
    f.kind_case = GSOMIA__FRAME__KIND_SUBMIT;
    f.submit = &s;
    rc = send_frame(c, &f);
    gs_free(s.body.data);
    return rc;
}

int gs_client_subscribe(struct gs_client *c)
{
    return gs_client_subscribe_as(c, NULL);
}

int gs_client_subscribe_as(struct gs_client *c, const char *user)
{
    Gsomia__Frame f = GSOMIA__FRAME__INIT;
    Gsomia__Subscribe s = GSOMIA__SUBSCRIBE__INIT;

    s.user = (char *)(user != NULL ? user : "");
    f.kind_case = GSOMIA__FRAME__KIND_SUBSCRIBE;
    f.subscribe = &s;
    return send_frame(c, &f);
}

int gs_client_plots(struct gs_client *c, uint64_t tag, const char *source,
                    unsigned first_line, char **lines, size_t n,
                    gs_time_t clock)
{
    Gsomia__Frame f = GSOMIA__FRAME__INIT;
    Gsomia__Plots p = GSOMIA__PLOTS__INIT;

    p.tag = tag;
    p.source = (char *)source;
    p.first_line = first_line;
    p.lines = lines;
    p.n_lines = n;
    p.clock_us = clock;
    f.kind_case = GSOMIA__FRAME__KIND_PLOTS;
    f.plots = &p;
    return send_frame(c, &f);
}

int gs_client_retract_track(struct gs_client *c, uint64_t tag,
                            const char *track, const char *reason)
{
    Gsomia__Frame f = GSOMIA__FRAME__INIT;
    Gsomia__RetractTrack r = GSOMIA__RETRACT_TRACK__INIT;

    r.tag = tag;
    r.track_id = (char *)track;
    r.reason = (char *)reason;
    f.kind_case = GSOMIA__FRAME__KIND_RETRACT_TRACK;
    f.retract_track = &r;
    return send_frame(c, &f);
}

int gs_client_next(struct gs_client *c, int timeout_ms, Gsomia__Frame **out)
{
    uint8_t chunk[65536];
    const uint8_t *frame;
    size_t len;
    int rc;

    *out = NULL;
    for (;;) {
        struct pollfd p = {c->fd, POLLIN, 0};
        ssize_t n;

        rc = gs_framer_next(&c->framer, &frame, &len);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            *out = gsomia__frame__unpack(NULL, len, frame);
            return *out != NULL ? 0 : GS_ERR_INVALID;
        }
        rc = poll(&p, 1, timeout_ms);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc == 0)
            return GS_ERR_STATE;
        n = read(c->fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return GS_ERR_IO;
        rc = gs_framer_feed(&c->framer, chunk, (size_t)n);
        if (rc < 0)
            return rc;
    }
}

int gs_client_ask_records(struct gs_client *c, const char *peer, uint64_t from)
{
    Gsomia__Frame f = GSOMIA__FRAME__INIT;
    Gsomia__AskRecords a = GSOMIA__ASK_RECORDS__INIT;

    a.peer = (char *)peer;
    a.from_index = from;
    f.kind_case = GSOMIA__FRAME__KIND_ASK_RECORDS;
    f.ask_records = &a;
    return send_frame(c, &f);
}
