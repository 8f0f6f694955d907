/*
 * scheme.c - built-in marking schemes and scheme files; see scheme.h.
 *
 * The built-in words are those of REFERENCE.md: the US levels; Japan's
 * 秘 / 極秘 and 特定秘密 / 機密; Korea's military classifications 군사III급비밀
 * / 군사II급비밀 / 군사I급비밀, also written with the Roman-numeral characters
 * U+2162, U+2161 and U+2160.
 */
#include "policy/scheme.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/text.h"

static const char *const rank_names[] = {"UNCLASSIFIED", "CONFIDENTIAL",
                                         "SECRET", "TOP SECRET"};

const char *gs_rank_name(int rank)
{
    if (rank < 0 || rank > GS_RANK_MAX)
        return "?";
    return rank_names[rank];
}

int gs_rank_parse(const char *name, int *rank)
{
    int i = gs_str_index(rank_names, GS_RANK_MAX + 1, name);

    *rank = i;
    return i < 0 ? GS_ERR_INVALID : 0;
}

static const char *const kor_iii[] = {"군사Ⅲ급비밀"};
static const char *const kor_ii[] = {"군사Ⅱ급비밀"};
static const char *const kor_i[] = {"군사Ⅰ급비밀"};

static const struct gs_level usa_levels[] = {
    {"UNCLASSIFIED", 0, NULL, 0},
    {"CONFIDENTIAL", 1, NULL, 0},
    {"SECRET", 2, NULL, 0},
    {"TOP SECRET", 3, NULL, 0},
};

static const struct gs_level jpn_levels[] = {
    {"UNCLASSIFIED", 0, NULL, 0}, {"秘", 1, NULL, 0},   {"極秘", 2, NULL, 0},
    {"特定秘密", 2, NULL, 0},     {"機密", 3, NULL, 0},
};

static const struct gs_level kor_levels[] = {
    {"UNCLASSIFIED", 0, NULL, 0},
    {"군사III급비밀", 1, kor_iii, 1},
    {"군사II급비밀", 2, kor_ii, 1},
    {"군사I급비밀", 3, kor_i, 1},
};

#define LEVELS(x) x, sizeof(x) / sizeof(x[0])

static const struct gs_scheme builtin[] = {
    {"JPN", "Japan", LEVELS(jpn_levels)},
    {"KOR", "Republic of Korea", LEVELS(kor_levels)},
    {"USA", "United States of America", LEVELS(usa_levels)},
};

const struct gs_scheme *gs_scheme_builtin(const char *nation)
{
    size_t i;

    for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
        if (strcmp(builtin[i].nation, nation) == 0)
            return &builtin[i];
    return NULL;
}

const struct gs_level *gs_scheme_find(const struct gs_scheme *s,
                                      const char *word)
{
    size_t i;

    for (i = 0; i < s->n_levels; i++) {
        const struct gs_level *l = &s->levels[i];

        if (strcmp(l->word, word) == 0 ||
            gs_str_index(l->aliases, l->n_aliases, word) >= 0)
            return l;
    }
    return NULL;
}

void gs_scheme_words(const struct gs_scheme *s, int rank, char *buf, size_t n)
{
    size_t i, used = 0;

    if (n == 0)
        return;
    buf[0] = '\0';
    for (i = 0; i < s->n_levels; i++) {
        int w;

        if (rank >= 0 && s->levels[i].rank != rank)
            continue;
        w = snprintf(buf + used, n - used, "%s%s", used ? ", " : "",
                     s->levels[i].word);
        if (w < 0 || (size_t)w >= n - used)
            return; /* truncated is fine for a message */
        used += (size_t)w;
    }
}

/* A marking word: printable UTF-8, no "//" (the marking separator), no
 * spaces at either end, at most 64 bytes; and not already in use. */
static int check_word(const struct gs_jctx *c, const struct gs_pos *p,
                      const char *w, bool taken)
{
    size_t n = strlen(w);

    if (n > 64 || !gs_utf8_printable(w, n) || strstr(w, "//") != NULL ||
        w[0] == ' ' || w[n - 1] == ' ') {
        gs_diag_error(c->diag, p,
                      "\"%s\" is not a usable marking word: at most 64 bytes "
                      "of printable UTF-8, without \"//\" or spaces at the "
                      "ends",
                      w);
        return GS_ERR_INVALID;
    }
    if (taken) {
        gs_diag_error(c->diag, p, "the word \"%s\" appears twice", w);
        return GS_ERR_INVALID;
    }
    return 0;
}

static bool word_taken(const struct gs_level *levels, size_t n, const char *w)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(levels[i].word, w) == 0 ||
            gs_str_index(levels[i].aliases, levels[i].n_aliases, w) >= 0)
            return true;
    return false;
}

static int level_from_json(const struct gs_jctx *c, const json_t *levels,
                           size_t i, struct gs_arena *a, struct gs_level *prev,
                           size_t n_prev, struct gs_level *out)
{
    static const char *const keys[] = {"word", "rank", "aliases", NULL};
    const json_t *v = json_array_get(levels, i), *aliases;
    const char *word, **names = NULL;
    struct gs_pos p;
    double rank;
    size_t j, n_aliases = 0;
    int rc;

    rc = gs_json_object(c, v, "a level", keys);
    if (rc == 0)
        rc = gs_json_string(c, v, "word", true, &word);
    if (rc == 0)
        rc = gs_json_number(c, v, "rank", true, &rank, NULL);
    if (rc == 0)
        rc = gs_json_array(c, v, "aliases", false, &aliases);
    if (rc < 0)
        return rc;
    if (!(rank >= 0 && rank <= GS_RANK_MAX) || rank != (int)rank) {
        p = gs_jpos_member(c->doc, v, "rank");
        gs_diag_error(c->diag, &p,
                      "rank must be 0 (UNCLASSIFIED), 1 (CONFIDENTIAL), 2 "
                      "(SECRET) or 3 (TOP SECRET)");
        return GS_ERR_INVALID;
    }
    p = gs_jpos_member(c->doc, v, "word");
    rc = check_word(c, &p, word, word_taken(prev, n_prev, word));
    if (rc < 0)
        return rc;
    if (aliases != NULL) {
        n_aliases = json_array_size(aliases);
        names = gs_arena_alloc(a, n_aliases, sizeof(*names));
        for (j = 0; j < n_aliases; j++) {
            const char *alias;

            rc = gs_json_string_at(c, aliases, j, &alias);
            if (rc < 0)
                return rc;
            p = gs_jpos_element(c->doc, aliases, j);
            rc = check_word(c, &p, alias,
                            word_taken(prev, n_prev, alias) ||
                                strcmp(alias, word) == 0 ||
                                gs_str_index(names, j, alias) >= 0);
            if (rc < 0)
                return rc;
            names[j] = gs_arena_strdup(a, alias);
        }
    }
    out->word = gs_arena_strdup(a, word);
    out->rank = (int)rank;
    out->aliases = names;
    out->n_aliases = n_aliases;
    return 0;
}

int gs_scheme_from_json(const struct gs_jctx *c, const json_t *v,
                        struct gs_arena *a, struct gs_scheme **out)
{
    static const char *const keys[] = {"nation", "government", "levels", NULL};
    const char *nation, *government;
    const json_t *levels;
    struct gs_level *lv;
    struct gs_scheme *s;
    size_t i, n;
    int rc;

    *out = NULL;
    rc = gs_json_object(c, v, "a marking scheme", keys);
    if (rc == 0)
        rc = gs_json_string(c, v, "nation", true, &nation);
    if (rc == 0)
        rc = gs_json_string(c, v, "government", false, &government);
    if (rc == 0)
        rc = gs_json_array(c, v, "levels", true, &levels);
    if (rc < 0)
        return rc;
    if (!gs_nation_valid(nation)) {
        struct gs_pos p = gs_jpos_member(c->doc, v, "nation");

        gs_diag_error(c->diag, &p,
                      "\"%s\" is not an ISO 3166-1 alpha-3 nation code "
                      "(such as JPN, KOR, USA)",
                      nation);
        return GS_ERR_INVALID;
    }
    n = json_array_size(levels);
    if (n == 0 || n > 64) {
        struct gs_pos p = gs_jpos_member(c->doc, v, "levels");

        gs_diag_error(c->diag, &p, "a scheme needs 1 to 64 levels");
        return GS_ERR_INVALID;
    }
    lv = gs_arena_alloc(a, n + 1, sizeof(*lv));
    for (i = 0; i < n; i++) {
        rc = level_from_json(c, levels, i, a, lv, i, &lv[i]);
        if (rc < 0)
            return rc;
    }
    if (!word_taken(lv, n, "UNCLASSIFIED")) {
        lv[n].word = "UNCLASSIFIED";
        lv[n].rank = GS_RANK_UNCLASSIFIED;
        n++;
    }
    s = gs_arena_alloc(a, 1, sizeof(*s));
    memcpy(s->nation, nation, GS_NATION_SIZE);
    s->government = gs_arena_strdup(
        a, government != NULL ? government : gs_nation_name(nation));
    s->levels = lv;
    s->n_levels = n;
    *out = s;
    return 0;
}
