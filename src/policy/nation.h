/*
 * nation.h - nations, by their ISO 3166-1 alpha-3 codes (JPN, KOR, USA).
 *
 * A node acts for one nation and every label, agreement and consent names
 * nations by code. A code that is not in ISO 3166-1 is malformed input, so a
 * typo ("JAP") is caught where it is written instead of silently matching
 * nothing.
 */
#ifndef GS_POLICY_NATION_H
#define GS_POLICY_NATION_H

#include <stdbool.h>

/* Three letters and the NUL. */
#define GS_NATION_SIZE 4

/* True when code is an assigned ISO 3166-1 alpha-3 code (upper case). */
bool gs_nation_valid(const char *code);

/* The standard's name for code ("Japan"), or NULL for an unknown code. */
const char *gs_nation_name(const char *code);

#endif
