/*
 * kind.h - the kinds of item gsomia stores and shares.
 *
 * Consents name kinds in their scope ("tracks about DPRK-MISSILE"), so the
 * policy engine knows them; the item envelope (src/item) carries one.
 */
#ifndef GS_POLICY_KIND_H
#define GS_POLICY_KIND_H

enum gs_kind {
    GS_KIND_TRACK,
    GS_KIND_LAUNCH,
    GS_KIND_ALERT,
    GS_KIND_REPORT,
    GS_KIND_DOCUMENT,
    GS_KIND_AGREEMENT,
    GS_KIND_CONSENT,
    GS_KIND_REVOCATION,
    GS_KIND_RECLASSIFICATION,
    GS_KIND_RETRACTION,
    GS_KIND_DESTRUCTION,
    GS_KIND_COMPROMISE,
    GS_KIND_COUNT
};

/* "track", "launch", ... ; "?" for a value out of range. */
const char *gs_kind_name(enum gs_kind k);
/* Parses a kind name; GS_ERR_INVALID for an unknown one. */
int gs_kind_parse(const char *name, enum gs_kind *out);
/* Every kind name joined by ", ", for messages. */
const char *gs_kind_list(void);

#endif
