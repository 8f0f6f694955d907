/*
 * nation.c - the ISO 3166-1 alpha-3 table. The rows come from Debian's
 * iso-codes data at build time (cmake/GenerateNations.cmake, which checks
 * that they are sorted by code), so a lookup is a binary search.
 */
#include "policy/nation.h"

#include <stdlib.h>
#include <string.h>

struct nation {
    const char *code, *name;
};

static const struct nation nations[] = {
#include "nations.inc"
};

static int nation_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct nation *)elem)->code);
}

static const struct nation *find(const char *code)
{
    if (code == NULL || strlen(code) != 3)
        return NULL;
    return bsearch(code, nations, sizeof(nations) / sizeof(nations[0]),
                   sizeof(nations[0]), nation_cmp);
}

bool gs_nation_valid(const char *code)
{
    return find(code) != NULL;
}

const char *gs_nation_name(const char *code)
{
    const struct nation *n = find(code);

    return n != NULL ? n->name : NULL;
}
