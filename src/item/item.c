/*
 * item.c - encoding, decoding, signing and verifying items; see item.h.
 *
 * protobuf-c allocates what it unpacks in proportion to the input, and the
 * input is bounded by GS_ITEM_MAX_BYTES before unpacking; after unpacking
 * every count and length is checked against the limits of item.h.
 */
#include "item/item.h"
#include "item/payload.h"

#include <sodium.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/json.h"
#include "base/text.h"

/* NULL: protobuf-c allocates with malloc. */
static ProtobufCAllocator *const allocator = NULL;

Gsomia__Kind gs_item_kind_to_pb(enum gs_kind k)
{
    return (Gsomia__Kind)((int)k + 1);
}

int gs_item_kind_from_pb(Gsomia__Kind k, enum gs_kind *out)
{
    *out = GS_KIND_TRACK;
    if ((int)k < 1 || (int)k > GS_KIND_COUNT)
        return GS_ERR_INVALID;
    *out = (enum gs_kind)((int)k - 1);
    return 0;
}

/* The payload each kind must carry. */
static Gsomia__ItemBody__PayloadCase payload_of(enum gs_kind k)
{
    switch (k) {
    case GS_KIND_TRACK:
        return GSOMIA__ITEM_BODY__PAYLOAD_TRACK;
    case GS_KIND_LAUNCH:
        return GSOMIA__ITEM_BODY__PAYLOAD_LAUNCH;
    case GS_KIND_ALERT:
        return GSOMIA__ITEM_BODY__PAYLOAD_ALERT;
    case GS_KIND_REPORT:
        return GSOMIA__ITEM_BODY__PAYLOAD_REPORT;
    case GS_KIND_DOCUMENT:
        return GSOMIA__ITEM_BODY__PAYLOAD_DOCUMENT;
    case GS_KIND_AGREEMENT:
        return GSOMIA__ITEM_BODY__PAYLOAD_AGREEMENT;
    case GS_KIND_CONSENT:
        return GSOMIA__ITEM_BODY__PAYLOAD_CONSENT;
    case GS_KIND_REVOCATION:
        return GSOMIA__ITEM_BODY__PAYLOAD_REVOCATION;
    case GS_KIND_RECLASSIFICATION:
        return GSOMIA__ITEM_BODY__PAYLOAD_RECLASSIFICATION;
    case GS_KIND_RETRACTION:
        return GSOMIA__ITEM_BODY__PAYLOAD_RETRACTION;
    case GS_KIND_DESTRUCTION:
        return GSOMIA__ITEM_BODY__PAYLOAD_DESTRUCTION;
    case GS_KIND_COMPROMISE:
        return GSOMIA__ITEM_BODY__PAYLOAD_COMPROMISE;
    case GS_KIND_COUNT:
        break;
    }
    return GSOMIA__ITEM_BODY__PAYLOAD__NOT_SET;
}

void gs_item_id_of(const uint8_t *body, size_t len, uint8_t id[GS_ITEM_ID_LEN])
{
    crypto_hash_sha256(id, body, len);
}

void gs_item_id_hex(const uint8_t id[GS_ITEM_ID_LEN], char out[GS_ITEM_ID_HEX])
{
    sodium_bin2hex(out, GS_ITEM_ID_HEX, id, GS_ITEM_ID_LEN);
}

int gs_item_id_parse(const char *hex, uint8_t id[GS_ITEM_ID_LEN])
{
    size_t n = 0;
    const char *end = NULL;

    if (strlen(hex) != 2 * GS_ITEM_ID_LEN ||
        sodium_hex2bin(id, GS_ITEM_ID_LEN, hex, strlen(hex), NULL, &n, &end) !=
            0 ||
        n != GS_ITEM_ID_LEN || *end != '\0') {
        memset(id, 0, GS_ITEM_ID_LEN);
        return GS_ERR_INVALID;
    }
    return 0;
}

void gs_item_label_to_pb(const struct gs_label *l, struct gs_arena *a,
                         Gsomia__Label *out)
{
    size_t i;

    gsomia__label__init(out);
    out->originator = (char *)l->originator;
    out->classification = (char *)l->classification;
    out->n_releasable_to = l->n_releasable_to;
    out->releasable_to = gs_arena_alloc(a, l->n_releasable_to, sizeof(char *));
    for (i = 0; i < l->n_releasable_to; i++)
        out->releasable_to[i] = l->releasable_to[i];
    out->n_categories = l->n_categories;
    out->categories = (char **)l->categories;
    out->purpose = (char *)l->purpose;
    out->created_us = l->created;
    if (l->has_review) {
        Gsomia__Review *r = gs_arena_alloc(a, 1, sizeof(*r));

        gsomia__review__init(r);
        r->time_us = l->review;
        out->review = r;
    }
    /* In bit order; none at all when the label permits none, so that such
     * a label encodes exactly as it did before the field existed. */
    out->derivatives = gs_arena_alloc(a, GS_DERIVATIVE_BITS, sizeof(char *));
    for (i = 0; i < GS_DERIVATIVE_BITS; i++)
        if (l->derivatives & (1u << i))
            out->derivatives[out->n_derivatives++] =
                (char *)gs_derivative_name((enum gs_derivative)(1u << i));
}

static json_t *time_json(gs_time_t t)
{
    char buf[GS_TIME_STRLEN];

    if (gs_time_format(t, buf, sizeof(buf)) < 0)
        return json_string("out of range");
    return json_string(buf);
}

/* A JSON array of the strings v[0..n), or NULL when one is not valid UTF-8
 * (json_string refuses it): the caller then refuses the label instead of
 * reading it without that element, which for a category would widen
 * access. */
static json_t *strings_json(char *const *v, size_t n)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < n; i++) {
        if (json_array_append_new(arr, json_string(v[i])) < 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

int gs_item_label_from_pb(const struct gs_policy *p, const Gsomia__Label *pb,
                          struct gs_arena *a, struct gs_label **out,
                          struct gs_diag *d)
{
    /* One set of checks for every form of a label: build the JSON form and
     * read it as a label file is read. */
    json_t *o = json_object(), *rel, *cats, *ders;
    struct gs_jctx c = {NULL, d};
    int rc = GS_ERR_INVALID;

    *out = NULL;
    rel = strings_json(pb->releasable_to, pb->n_releasable_to);
    cats = strings_json(pb->categories, pb->n_categories);
    ders = strings_json(pb->derivatives, pb->n_derivatives);
    if (rel == NULL || cats == NULL || ders == NULL) {
        gs_diag_error(d, NULL,
                      "a label lists a nation, category or derivative use "
                      "that is not valid UTF-8 text");
        json_decref(rel);
        json_decref(cats);
        json_decref(ders);
        goto out;
    }
    json_object_set_new(o, "originator", json_string(pb->originator));
    json_object_set_new(o, "classification", json_string(pb->classification));
    json_object_set_new(o, "releasable_to", rel);
    json_object_set_new(o, "categories", cats);
    json_object_set_new(o, "purpose", json_string(pb->purpose));
    json_object_set_new(o, "created", time_json(pb->created_us));
    if (pb->review != NULL)
        json_object_set_new(o, "review", time_json(pb->review->time_us));
    /* Only when the label has some, as in a label file; the words are
     * checked by the label reader like every other member. */
    if (pb->n_derivatives > 0)
        json_object_set_new(o, "derivatives", ders);
    else
        json_decref(ders);
    /* json_string returns NULL for invalid UTF-8: then the member is
     * missing and the label is refused. */
    rc = gs_label_from_json(p, &c, o, a, out);
out:
    json_decref(o);
    return rc;
}

/* Text a person will read: valid UTF-8, no control characters but tab and
 * line breaks. */
static bool text_ok(const char *s)
{
    size_t i, n = strlen(s), start = 0;

    for (i = 0; i <= n; i++) {
        if (i == n || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
            if (!gs_utf8_printable(s + start, i - start))
                return false;
            start = i + 1;
        }
    }
    return true;
}

/* A BCP 47 language tag, loosely: 2 to 35 of letters, digits and "-",
 * starting with a letter ("ko", "ja", "en-US"). */
static bool lang_ok(const char *s)
{
    size_t i, n = strlen(s);

    if (n < 2 || n > 35 ||
        !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

static bool id_ok(const ProtobufCBinaryData *b, bool may_be_empty)
{
    return b->len == GS_ITEM_ID_LEN || (may_be_empty && b->len == 0);
}

/* Checks of the payload that do not depend on the policy. */
static int check_payload(const Gsomia__ItemBody *b, struct gs_diag *d)
{
    const char *what = NULL;
    char why[160];
    size_t i;

    switch (b->payload_case) {
    case GSOMIA__ITEM_BODY__PAYLOAD_REPORT:
        if (!text_ok(b->report->title) || !text_ok(b->report->body))
            what = "the report's text is not valid UTF-8 text";
        for (i = 0; what == NULL && i < b->report->n_attachments; i++)
            if (!text_ok(b->report->attachments[i]->name) ||
                !text_ok(b->report->attachments[i]->media_type))
                what = "an attachment's name or media type is not text";
        break;
    case GSOMIA__ITEM_BODY__PAYLOAD_DOCUMENT:
        if (!text_ok(b->document->name) || !text_ok(b->document->media_type))
            what = "the document's name or media type is not text";
        break;
    case GSOMIA__ITEM_BODY__PAYLOAD_TRACK:
        if (gs_payload_track_check(b->track, why, sizeof(why)) < 0)
            what = why;
        break;
    case GSOMIA__ITEM_BODY__PAYLOAD_ALERT:
        if (gs_payload_alert_check(b->alert, why, sizeof(why)) < 0)
            what = why;
        break;
    case GSOMIA__ITEM_BODY__PAYLOAD_AGREEMENT:
        if (!text_ok(b->agreement->json))
            what = "the agreement text is not valid UTF-8";
        break;
    case GSOMIA__ITEM_BODY__PAYLOAD_CONSENT:
        if (!text_ok(b->consent->json))
            what = "the consent text is not valid UTF-8";
        break;
    case GSOMIA__ITEM_BODY__PAYLOAD_REVOCATION:
        if (!text_ok(b->revocation->json))
            what = "the revocation text is not valid UTF-8";
        break;
    case GSOMIA__ITEM_BODY__PAYLOAD_RECLASSIFICATION:
        if (!id_ok(&b->reclassification->item, false) ||
            b->reclassification->label == NULL)
            what = "a reclassification names one item and its new label";
        break;
    case GSOMIA__ITEM_BODY__PAYLOAD_RETRACTION:
        if (!id_ok(&b->retraction->item, false))
            what = "a retraction names one item";
        break;
    case GSOMIA__ITEM_BODY__PAYLOAD_DESTRUCTION:
        if (!id_ok(&b->destruction->item, false) ||
            !text_ok(b->destruction->operator_) ||
            !text_ok(b->destruction->witness) ||
            b->destruction->operator_[0] == '\0' ||
            b->destruction->witness[0] == '\0')
            what = "a destruction record names the item, an operator and a "
                   "witness";
        break;
    case GSOMIA__ITEM_BODY__PAYLOAD_COMPROMISE:
        if (!id_ok(&b->compromise->item, true) ||
            !gs_nation_valid(b->compromise->addressed_to) ||
            !text_ok(b->compromise->detail))
            what = "a compromise report names the item (if known) and the "
                   "originator it is addressed to";
        break;
    default:
        break;
    }
    if (what != NULL) {
        gs_diag_error(d, NULL, "%s", what);
        return GS_ERR_INVALID;
    }
    return 0;
}

static int check_body(const struct gs_policy *p, struct gs_item *it,
                      struct gs_diag *d)
{
    const Gsomia__ItemBody *b = it->body;
    struct gs_label **labels, dominant;
    size_t i;

    if (b->version != 1) {
        gs_diag_error(d, NULL,
                      "item version %u is not supported (this "
                      "node reads version 1)",
                      b->version);
        return GS_ERR_UNSUPPORTED;
    }
    if (gs_item_kind_from_pb(b->kind, &it->kind) < 0) {
        gs_diag_error(d, NULL, "unknown item kind %d", (int)b->kind);
        return GS_ERR_INVALID;
    }
    if (b->payload_case != payload_of(it->kind)) {
        gs_diag_error(d, NULL, "a %s item must carry a %s payload",
                      gs_kind_name(it->kind), gs_kind_name(it->kind));
        return GS_ERR_INVALID;
    }
    if (!gs_nation_valid(b->originator)) {
        gs_diag_error(d, NULL, "the originator is not a nation code");
        return GS_ERR_INVALID;
    }
    memcpy(it->originator, b->originator, GS_NATION_SIZE);
    it->created = b->created_us;
    if (b->key_id.len != GS_KEY_ID_LEN || b->created_us < GS_TIME_MIN ||
        b->created_us > GS_TIME_MAX) {
        gs_diag_error(d, NULL, "the key id or the creation time is malformed");
        return GS_ERR_INVALID;
    }
    if (b->n_labels < 1 || b->n_labels > GS_ITEM_MAX_LABELS ||
        b->n_parents > GS_ITEM_MAX_PARENTS ||
        (b->supersedes.len != 0 && b->supersedes.len != GS_ITEM_ID_LEN)) {
        gs_diag_error(d, NULL,
                      "an item has 1 to %d labels and at most %d parents",
                      GS_ITEM_MAX_LABELS, GS_ITEM_MAX_PARENTS);
        return GS_ERR_INVALID;
    }
    for (i = 0; i < b->n_parents; i++) {
        if (!id_ok(&b->parents[i], false)) {
            gs_diag_error(d, NULL, "parent %zu is not an item id", i + 1);
            return GS_ERR_INVALID;
        }
    }
    switch (b->relation) {
    case GSOMIA__RELATION__ORIGINAL:
        /* An original carries its originator's own label and nothing
         * else. */
        if (b->n_parents != 0 || b->n_labels != 1 ||
            strcmp(b->labels[0]->originator, b->originator) != 0) {
            gs_diag_error(d, NULL,
                          "an original item has no parents and "
                          "one label, its originator's");
            return GS_ERR_INVALID;
        }
        break;
    case GSOMIA__RELATION__COPY:
    case GSOMIA__RELATION__TRANSLATION:
        if (b->n_parents != 1) {
            gs_diag_error(d, NULL,
                          "a copy or translation has exactly one parent");
            return GS_ERR_INVALID;
        }
        if (b->relation == GSOMIA__RELATION__TRANSLATION &&
            !lang_ok(b->language)) {
            gs_diag_error(d, NULL, "a translation names its language");
            return GS_ERR_INVALID;
        }
        break;
    case GSOMIA__RELATION__DERIVATION:
        if (b->n_parents == 0) {
            gs_diag_error(d, NULL, "a derived item names its parents");
            return GS_ERR_INVALID;
        }
        break;
    default:
        gs_diag_error(d, NULL, "unknown relation %d", (int)b->relation);
        return GS_ERR_INVALID;
    }
    labels = gs_arena_alloc(it->arena, b->n_labels, sizeof(*labels));
    for (i = 0; i < b->n_labels; i++)
        if (gs_item_label_from_pb(p, b->labels[i], it->arena, &labels[i], d) <
            0)
            return GS_ERR_INVALID;
    if (gs_label_dominant((const struct gs_label *const *)labels, b->n_labels,
                          it->arena, &dominant, d) < 0)
        return GS_ERR_INVALID;
    it->labels = (const struct gs_label **)labels;
    it->n_labels = b->n_labels;
    return check_payload(b, d);
}

int gs_item_decode(const struct gs_policy *p, const uint8_t *buf, size_t len,
                   struct gs_item **out, struct gs_diag *d)
{
    struct gs_item *it;
    size_t i;
    int rc = GS_ERR_INVALID;

    *out = NULL;
    if (len > GS_ITEM_MAX_BYTES) {
        gs_diag_error(d, NULL, "the item is %zu bytes; at most %u are accepted",
                      len, GS_ITEM_MAX_BYTES);
        return GS_ERR_TOO_BIG;
    }
    it = gs_calloc(1, sizeof(*it));
    it->arena = gs_arena_new();
    it->env = gsomia__envelope__unpack(allocator, len, buf);
    if (it->env == NULL) {
        gs_diag_error(d, NULL,
                      "not an item envelope (protobuf decoding failed)");
        goto out;
    }
    if (it->env->n_signatures < 1 ||
        it->env->n_signatures > GS_ITEM_MAX_SIGNATURES) {
        gs_diag_error(d, NULL, "an item carries 1 to %d signatures",
                      GS_ITEM_MAX_SIGNATURES);
        goto out;
    }
    for (i = 0; i < it->env->n_signatures; i++) {
        const Gsomia__Signature *s = it->env->signatures[i];

        if (!gs_nation_valid(s->nation) || s->key_id.len != GS_KEY_ID_LEN ||
            s->sig.len != GS_SIG_LEN) {
            gs_diag_error(d, NULL, "signature %zu is malformed", i + 1);
            goto out;
        }
    }
    it->body = gsomia__item_body__unpack(allocator, it->env->body.len,
                                         it->env->body.data);
    if (it->body == NULL) {
        gs_diag_error(d, NULL, "the item body does not decode");
        goto out;
    }
    gs_item_id_of(it->env->body.data, it->env->body.len, it->id);
    rc = check_body(p, it, d);
out:
    if (rc < 0) {
        gs_item_free(it);
        return rc;
    }
    *out = it;
    return 0;
}

void gs_item_free(struct gs_item *it)
{
    if (it == NULL)
        return;
    if (it->body != NULL)
        gsomia__item_body__free_unpacked(it->body, allocator);
    if (it->env != NULL)
        gsomia__envelope__free_unpacked(it->env, allocator);
    gs_arena_free(it->arena);
    gs_free(it);
}

static int verify_one(const struct gs_item *it, const Gsomia__Signature *s,
                      const struct gs_keyring *kr)
{
    const struct gs_pubkey *k = gs_keyring_find(kr, s->nation, s->key_id.data);

    if (k == NULL)
        return GS_ERR_NOT_FOUND;
    return gs_verify(k->pk, GS_ITEM_CONTEXT, it->env->body.data,
                     it->env->body.len, s->sig.data);
}

int gs_item_verify(const struct gs_item *it, const struct gs_keyring *kr,
                   struct gs_diag *d)
{
    const Gsomia__Signature *first = it->env->signatures[0];
    char hex[2 * GS_KEY_ID_LEN + 1];
    size_t i;
    int rc;

    if (strcmp(first->nation, it->originator) != 0 ||
        memcmp(first->key_id.data, it->body->key_id.data, GS_KEY_ID_LEN) != 0) {
        gs_diag_error(d, NULL,
                      "the first signature is not the originator's (%s)",
                      it->originator);
        return GS_ERR_VERIFY;
    }
    for (i = 0; i < it->env->n_signatures; i++) {
        const Gsomia__Signature *s = it->env->signatures[i];

        rc = verify_one(it, s, kr);
        if (rc == GS_ERR_NOT_FOUND) {
            sodium_bin2hex(hex, sizeof(hex), s->key_id.data, GS_KEY_ID_LEN);
            gs_diag_error(d, NULL,
                          "signature %zu is by a key of %s (%s) "
                          "that this node does not know",
                          i + 1, s->nation, hex);
            return GS_ERR_VERIFY;
        }
        if (rc < 0) {
            gs_diag_error(d, NULL,
                          "signature %zu, by %s, does not match the "
                          "item: it was changed after signing",
                          i + 1, s->nation);
            return GS_ERR_VERIFY;
        }
    }
    return 0;
}

bool gs_item_signed_by(const struct gs_item *it, const struct gs_keyring *kr,
                       const char *nation)
{
    size_t i;

    for (i = 0; i < it->env->n_signatures; i++) {
        const Gsomia__Signature *s = it->env->signatures[i];

        if (strcmp(s->nation, nation) == 0 && verify_one(it, s, kr) == 0)
            return true;
    }
    return false;
}

/* Packs a protobuf-c message into a new buffer appended to out. */
static int pack_into(const ProtobufCMessage *m, struct gs_buf *out)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *tmp;
    int rc;

    if (n > GS_ITEM_MAX_BYTES)
        return GS_ERR_TOO_BIG;
    tmp = gs_malloc(n);
    protobuf_c_message_pack(m, tmp);
    rc = gs_buf_append(out, tmp, n);
    gs_free(tmp);
    return rc;
}

static int pack_envelope(const uint8_t *body, size_t body_len,
                         Gsomia__Signature **sigs, size_t n_sigs,
                         struct gs_buf *out)
{
    Gsomia__Envelope env = GSOMIA__ENVELOPE__INIT;

    env.body.data = (uint8_t *)body;
    env.body.len = body_len;
    env.signatures = sigs;
    env.n_signatures = n_sigs;
    return pack_into(&env.base, out);
}

int gs_item_seal(Gsomia__ItemBody *body, const struct gs_signer *s,
                 gs_time_t now, struct gs_buf *out, uint8_t id[GS_ITEM_ID_LEN])
{
    Gsomia__Signature sig = GSOMIA__SIGNATURE__INIT, *sigs[1] = {&sig};
    uint8_t sigbytes[GS_SIG_LEN];
    struct gs_buf packed;
    int rc;

    /* Fill in what the sealer decides, pack, then give the caller's body
     * back as it was: it may own those fields (an unpacked message). */
    char *originator = body->originator;
    ProtobufCBinaryData key_id = body->key_id;

    body->version = 1;
    body->originator = (char *)s->nation;
    body->key_id.data = (uint8_t *)s->key_id;
    body->key_id.len = GS_KEY_ID_LEN;
    body->created_us = now;
    gs_buf_init(&packed, GS_ITEM_MAX_BYTES);
    rc = pack_into(&body->base, &packed);
    body->originator = originator;
    body->key_id = key_id;
    if (rc < 0)
        goto out;
    gs_item_id_of(packed.data, packed.len, id);
    gs_sign(s, GS_ITEM_CONTEXT, packed.data, packed.len, sigbytes);
    sig.nation = (char *)s->nation;
    sig.key_id.data = (uint8_t *)s->key_id;
    sig.key_id.len = GS_KEY_ID_LEN;
    sig.sig.data = sigbytes;
    sig.sig.len = GS_SIG_LEN;
    rc = pack_envelope(packed.data, packed.len, sigs, 1, out);
out:
    gs_buf_free(&packed);
    return rc;
}

int gs_item_cosign(const uint8_t *buf, size_t len, const struct gs_signer *s,
                   struct gs_buf *out)
{
    Gsomia__Envelope *env;
    Gsomia__Signature sig = GSOMIA__SIGNATURE__INIT, **sigs;
    uint8_t sigbytes[GS_SIG_LEN];
    size_t i;
    int rc;

    if (len > GS_ITEM_MAX_BYTES)
        return GS_ERR_TOO_BIG;
    env = gsomia__envelope__unpack(allocator, len, buf);
    if (env == NULL || env->n_signatures >= GS_ITEM_MAX_SIGNATURES) {
        if (env != NULL)
            gsomia__envelope__free_unpacked(env, allocator);
        return GS_ERR_INVALID;
    }
    gs_sign(s, GS_ITEM_CONTEXT, env->body.data, env->body.len, sigbytes);
    sig.nation = (char *)s->nation;
    sig.key_id.data = (uint8_t *)s->key_id;
    sig.key_id.len = GS_KEY_ID_LEN;
    sig.sig.data = sigbytes;
    sig.sig.len = GS_SIG_LEN;
    sigs = gs_calloc(env->n_signatures + 1, sizeof(*sigs));
    for (i = 0; i < env->n_signatures; i++)
        sigs[i] = env->signatures[i];
    sigs[i] = &sig;
    rc = pack_envelope(env->body.data, env->body.len, sigs,
                       env->n_signatures + 1, out);
    gs_free(sigs);
    gsomia__envelope__free_unpacked(env, allocator);
    return rc;
}

int gs_item_merge_signatures(const struct gs_item *a, const struct gs_item *b,
                             const struct gs_keyring *kr, struct gs_buf *out,
                             size_t *count)
{
    const struct gs_item *both[2] = {a, b};
    Gsomia__Signature *sigs[2 * GS_ITEM_MAX_SIGNATURES];
    size_t n = 0, i, j, k;
    int rc;

    *count = 0;
    if (memcmp(a->id, b->id, GS_ITEM_ID_LEN) != 0)
        return GS_ERR_INVALID;
    for (k = 0; k < 2; k++) {
        for (i = 0; i < both[k]->env->n_signatures; i++) {
            Gsomia__Signature *s = both[k]->env->signatures[i];
            bool dup = false;

            for (j = 0; j < n && !dup; j++)
                dup = strcmp(sigs[j]->nation, s->nation) == 0 &&
                      memcmp(sigs[j]->key_id.data, s->key_id.data,
                             GS_KEY_ID_LEN) == 0;
            if (!dup && n < GS_ITEM_MAX_SIGNATURES && verify_one(a, s, kr) == 0)
                sigs[n++] = s;
        }
    }
    /* The originator's signature stays first (gs_item_verify wants it). */
    for (i = 1; i < n; i++) {
        if (strcmp(sigs[i]->nation, a->originator) == 0 &&
            memcmp(sigs[i]->key_id.data, a->body->key_id.data, GS_KEY_ID_LEN) ==
                0) {
            Gsomia__Signature *t = sigs[0];

            sigs[0] = sigs[i];
            sigs[i] = t;
        }
    }
    rc = pack_envelope(a->env->body.data, a->env->body.len, sigs, n, out);
    if (rc == 0)
        *count = n;
    return rc;
}
