/*
 * parse.h - readers shared by the policy module's JSON parsers. Private to
 * src/policy: other modules use the public headers.
 */
#ifndef GS_POLICY_PARSE_H
#define GS_POLICY_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/json.h"
#include "policy/nation.h"

/*
 * An identifier (category, purpose, role, id): 1 to 64 characters from
 * A-Z a-z 0-9 and "._-". These appear in markings and on the wire, so they
 * are kept plain.
 */
bool pj_ident_valid(const char *s);

/* A nation code member; out gets the code. */
int pj_nation(const struct gs_jctx *c, const json_t *obj, const char *key,
              bool required, char out[GS_NATION_SIZE]);
/* An array of distinct nation codes, allocated in a; [] when absent. */
int pj_nations(const struct gs_jctx *c, const json_t *obj, const char *key,
               bool required, struct gs_arena *a, char (**out)[GS_NATION_SIZE],
               size_t *n);
/* An identifier member (see pj_ident_valid); what names it in messages. */
int pj_ident(const struct gs_jctx *c, const json_t *obj, const char *key,
             bool required, const char *what, const char **out);
/* An array of distinct identifiers, allocated in a; [] when absent. */
int pj_idents(const struct gs_jctx *c, const json_t *obj, const char *key,
              bool required, const char *what, struct gs_arena *a,
              const char ***out, size_t *n);

/*
 * An array of distinct derivative uses (label.h) into the bit set *out; 0
 * when absent or null. An unknown word is an error that names the uses
 * defined. With non_empty, [] is an error too.
 */
int pj_derivatives(const struct gs_jctx *c, const json_t *obj, const char *key,
                   bool non_empty, unsigned *out);

/* True when nation is among list[0..n). */
bool pj_has_nation(const char (*list)[GS_NATION_SIZE], size_t n,
                   const char *nation);

#endif
