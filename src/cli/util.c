/* util.c - what the subcommands share; see cli.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "cli/cli.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;

    fputs("gsomia: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_print_diag(const struct gs_diag *d)
{
    gs_diag_print(d, stderr);
}

int cli_load_schemes(struct gs_policy *p, char *const *paths, int n,
                     struct gs_diag *d)
{
    int i, rc = 0;

    for (i = 0; i < n && rc == 0; i++) {
        struct gs_jdoc doc;
        struct gs_jctx c = {&doc, d};

        rc = gs_jdoc_load(&doc, paths[i], GS_JSON_MAX_FILE, d);
        if (rc == 0)
            rc = gs_policy_add_scheme(p, &c, doc.root);
        gs_jdoc_free(&doc);
    }
    return rc;
}

static int load_ref(void *ctx, const char *from, const char *ref,
                    struct gs_jdoc *out, struct gs_diag *d)
{
    struct gs_buf path;
    const char *slash = from != NULL ? strrchr(from, '/') : NULL;
    int rc;

    (void)ctx;
    gs_buf_init(&path, 4096);
    if (ref[0] != '/' && slash != NULL &&
        gs_buf_append(&path, from, (size_t)(slash - from) + 1) < 0)
        rc = GS_ERR_TOO_BIG;
    else
        rc = gs_buf_append_str(&path, ref);
    if (rc < 0) {
        gs_diag_error(d, NULL, "the file name \"%s\" is too long", ref);
        gs_buf_free(&path);
        return rc;
    }
    rc = gs_jdoc_load(out, gs_buf_str(&path), GS_JSON_MAX_FILE, d);
    gs_buf_free(&path);
    return rc;
}

const struct gs_sim_loader cli_sim_loader = {load_ref, NULL};

const char *cli_node_dir(const char *opt)
{
    const char *env = getenv("GSOMIA_NODE");

    if (opt != NULL)
        return opt;
    if (env != NULL && env[0] != '\0')
        return env;
    cli_error("which node? give --node DIR or set GSOMIA_NODE");
    return NULL;
}

int cli_open_node(const char *opt, struct gs_node **out)
{
    const char *dir = cli_node_dir(opt);
    struct gs_diag d;
    int rc;

    *out = NULL;
    if (dir == NULL)
        return EXIT_USAGE;
    gs_diag_init(&d);
    rc = gs_node_open(dir, out, &d);
    cli_print_diag(&d);
    gs_diag_free(&d);
    return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

int cli_write_file(const char *path, const void *data, size_t len)
{
    const char *p = data;
    int fd;

    if (strcmp(path, "-") == 0) {
        fd = STDOUT_FILENO;
    } else {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            cli_error("cannot create %s: %s%s", path, strerror(errno),
                      errno == EEXIST ? " (gsomia does not overwrite files)"
                                      : "");
            return EXIT_FAIL;
        }
    }
    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            cli_error("cannot write %s: %s", path, strerror(errno));
            if (fd != STDOUT_FILENO)
                close(fd);
            return EXIT_FAIL;
        }
        p += n;
        len -= (size_t)n;
    }
    if (fd != STDOUT_FILENO && (fsync(fd) != 0 || close(fd) != 0)) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int cli_parse_id(const char *hex, uint8_t id[GS_ITEM_ID_LEN])
{
    if (gs_item_id_parse(hex, id) < 0) {
        cli_error("\"%s\" is not an item id (64 hex digits, as `gsomia "
                  "item list` prints them)",
                  hex);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}
