/*
 * stanag4774.h - labels as NATO STANAG 4774 (ADatP-4774) confidentiality
 * label XML, for exchange with labelling tools that speak the standard.
 *
 * The mapping (docs/formats.md):
 *   PolicyIdentifier      the originator's nation code (its national policy)
 *   Classification        the originator's word
 *   Category PERMISSIVE   TagName "Releasable To": nation codes
 *   Category PERMISSIVE   TagName "Derivatives": derivative uses permitted
 *                         ("civil-warning"); absent when there are none
 *   Category RESTRICTIVE  TagName "Need To Know": categories
 *   Category INFORMATIVE  TagName "Purpose": the purpose
 *   OriginatorID          IDType "ISO3166-1-alpha-3": the originator
 *   CreationDateTime, and the ReviewDateTime attribute.
 * Import refuses anything it cannot represent faithfully (another policy, an
 * unknown category) rather than drop it: a dropped restrictive category would
 * widen access. Documents with a DTD are refused (no entity expansion).
 */
#ifndef GS_POLICY_STANAG4774_H
#define GS_POLICY_STANAG4774_H

#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "policy/label.h"

#define GS_STANAG4774_NS "urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"
/* XML labels are small; refuse anything larger. */
#define GS_STANAG4774_MAX (1u << 20)

/* Appends l as an originatorConfidentialityLabel document to b. */
int gs_stanag4774_write(const struct gs_label *l, struct gs_buf *b);

/*
 * Reads a label from len bytes of XML; file names the input in messages.
 * The classification must be a word of the originator's scheme in p.
 * Returns 0, or GS_ERR_INVALID after reporting to d. Allocates in a.
 */
int gs_stanag4774_read(const struct gs_policy *p, const char *xml, size_t len,
                       const char *file, struct gs_arena *a,
                       struct gs_label **out, struct gs_diag *d);

#endif
