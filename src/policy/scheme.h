/*
 * scheme.h - marking schemes: a nation's classification levels in its own
 * words, and the common rank that makes them comparable.
 *
 * Common ranks: 0 UNCLASSIFIED, 1 CONFIDENTIAL, 2 SECRET, 3 TOP SECRET. A
 * scheme lists words with their rank; several words may share a rank (Japan's
 * 極秘 and 特定秘密 are both SECRET) and a word may have aliases (the Korean
 * words written with Roman-numeral characters, 군사Ⅱ급비밀). Every scheme has
 * UNCLASSIFIED at rank 0. Which words of two nations are equal is not decided
 * by rank alone but by the agreement between them (agreement.h); the rank is
 * what lets clearances and dominant labels be compared.
 *
 * Built in: USA, JPN and KOR (see docs/policy.md); more come from files.
 */
#ifndef GS_POLICY_SCHEME_H
#define GS_POLICY_SCHEME_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/json.h"
#include "policy/nation.h"

enum gs_rank {
    GS_RANK_UNCLASSIFIED = 0,
    GS_RANK_CONFIDENTIAL = 1,
    GS_RANK_SECRET = 2,
    GS_RANK_TOP_SECRET = 3
};
#define GS_RANK_MAX GS_RANK_TOP_SECRET

struct gs_level {
    const char *word;           /* the canonical word */
    int rank;                   /* common rank, 0..GS_RANK_MAX */
    const char *const *aliases; /* other spellings of the same word */
    size_t n_aliases;
};

struct gs_scheme {
    char nation[GS_NATION_SIZE];
    const char *government; /* "Republic of Korea": the name in markings */
    const struct gs_level *levels;
    size_t n_levels;
};

/* "UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP SECRET"; "?" otherwise. */
const char *gs_rank_name(int rank);
/* Parses a common rank name; GS_ERR_INVALID for anything else. */
int gs_rank_parse(const char *name, int *rank);

/* The built-in scheme of nation, or NULL. */
const struct gs_scheme *gs_scheme_builtin(const char *nation);

/*
 * Finds word (or an alias of it) in s. Returns the level, or NULL when the
 * scheme has no such word.
 */
const struct gs_level *gs_scheme_find(const struct gs_scheme *s,
                                      const char *word);

/*
 * The words of s for rank, joined by ", " into buf (for messages such as
 * "use one of 秘, 極秘"); all words when rank is -1.
 */
void gs_scheme_words(const struct gs_scheme *s, int rank, char *buf, size_t n);

/*
 * Reads a scheme file object:
 *   {"nation": "GBR", "government": "United Kingdom",
 *    "levels": [{"word": "SECRET", "rank": 2, "aliases": []}, ...]}
 * "government" is optional (the ISO 3166 name by default); ranks are 0..3;
 * words and aliases must be unique. UNCLASSIFIED is added at rank 0 unless
 * a level already spells it. Everything is allocated in a.
 */
int gs_scheme_from_json(const struct gs_jctx *c, const json_t *v,
                        struct gs_arena *a, struct gs_scheme **out);

#endif
