/* kind.c - names of item kinds; see kind.h. */
#include "policy/kind.h"

#include "base/err.h"
#include "base/text.h"

static const char *const names[GS_KIND_COUNT] = {
    [GS_KIND_TRACK] = "track",
    [GS_KIND_LAUNCH] = "launch",
    [GS_KIND_ALERT] = "alert",
    [GS_KIND_REPORT] = "report",
    [GS_KIND_DOCUMENT] = "document",
    [GS_KIND_AGREEMENT] = "agreement",
    [GS_KIND_CONSENT] = "consent",
    [GS_KIND_REVOCATION] = "revocation",
    [GS_KIND_RECLASSIFICATION] = "reclassification",
    [GS_KIND_RETRACTION] = "retraction",
    [GS_KIND_DESTRUCTION] = "destruction",
    [GS_KIND_COMPROMISE] = "compromise",
};

const char *gs_kind_name(enum gs_kind k)
{
    if ((unsigned)k >= GS_KIND_COUNT)
        return "?";
    return names[k];
}

int gs_kind_parse(const char *name, enum gs_kind *out)
{
    int i = gs_str_index(names, GS_KIND_COUNT, name);

    *out = GS_KIND_TRACK;
    if (i < 0)
        return GS_ERR_INVALID;
    *out = (enum gs_kind)i;
    return 0;
}

const char *gs_kind_list(void)
{
    return "track, launch, alert, report, document, agreement, consent, "
           "revocation, reclassification, retraction, destruction, compromise";
}
