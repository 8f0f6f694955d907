/*
 * stanag4774.c - STANAG 4774 XML labels with libxml2; see stanag4774.h.
 *
 * Reading builds the same JSON object a label file holds and hands it to
 * gs_label_from_json, so both forms obey exactly the same checks.
 */
#include "policy/stanag4774.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/json.h"
#include "policy/policy.h"

#define TAG_REL "Releasable To"
#define TAG_NTK "Need To Know"
#define TAG_PURPOSE "Purpose"
#define TAG_DERIVATIVES "Derivatives"
#define ID_TYPE "ISO3166-1-alpha-3"

static const xmlChar *X(const char *s)
{
    return (const xmlChar *)s;
}

static xmlNodePtr add_text(xmlNodePtr parent, xmlNsPtr ns, const char *name,
                           const char *text)
{
    return xmlNewTextChild(parent, ns, X(name), X(text));
}

/* A Category element; the caller adds its GenericValue children. */
static xmlNodePtr add_category(xmlNodePtr info, xmlNsPtr ns, const char *type,
                               const char *tag)
{
    xmlNodePtr cat = xmlNewChild(info, ns, X("Category"), NULL);

    xmlNewProp(cat, X("Type"), X(type));
    xmlNewProp(cat, X("TagName"), X(tag));
    return cat;
}

int gs_stanag4774_write(const struct gs_label *l, struct gs_buf *b)
{
    char when[GS_TIME_STRLEN];
    xmlDocPtr doc = xmlNewDoc(X("1.0"));
    xmlNodePtr root = xmlNewNode(NULL, X("originatorConfidentialityLabel"));
    xmlNodePtr info, id, cat;
    xmlNsPtr ns = xmlNewNs(root, X(GS_STANAG4774_NS), X("slab"));
    xmlChar *text = NULL;
    size_t i;
    int len = 0, rc;

    xmlSetNs(root, ns);
    xmlDocSetRootElement(doc, root);
    if (l->has_review) {
        gs_time_format(l->review, when, sizeof(when));
        xmlNewProp(root, X("ReviewDateTime"), X(when));
    }
    info = xmlNewChild(root, ns, X("ConfidentialityInformation"), NULL);
    add_text(info, ns, "PolicyIdentifier", l->originator);
    add_text(info, ns, "Classification", l->classification);
    cat = add_category(info, ns, "PERMISSIVE", TAG_REL);
    for (i = 0; i < l->n_releasable_to; i++)
        add_text(cat, ns, "GenericValue", l->releasable_to[i]);
    /* Permissive too: 4774 intersects permissive categories when it
     * combines labels, which is how derivatives combine. Left out when
     * none is permitted, as in the JSON form. */
    if (l->derivatives != 0) {
        cat = add_category(info, ns, "PERMISSIVE", TAG_DERIVATIVES);
        for (i = 0; i < GS_DERIVATIVE_BITS; i++)
            if (l->derivatives & (1u << i))
                add_text(cat, ns, "GenericValue",
                         gs_derivative_name((enum gs_derivative)(1u << i)));
    }
    if (l->n_categories > 0) {
        cat = add_category(info, ns, "RESTRICTIVE", TAG_NTK);
        for (i = 0; i < l->n_categories; i++)
            add_text(cat, ns, "GenericValue", l->categories[i]);
    }
    cat = add_category(info, ns, "INFORMATIVE", TAG_PURPOSE);
    add_text(cat, ns, "GenericValue", l->purpose);
    id = add_text(root, ns, "OriginatorID", l->originator);
    xmlNewProp(id, X("IDType"), X(ID_TYPE));
    gs_time_format(l->created, when, sizeof(when));
    add_text(root, ns, "CreationDateTime", when);

    xmlDocDumpFormatMemoryEnc(doc, &text, &len, "UTF-8", 1);
    rc = text != NULL ? gs_buf_append(b, text, (size_t)len) : GS_ERR_INVALID;
    xmlFree(text);
    xmlFreeDoc(doc);
    return rc;
}

/* Reading. */

struct reader {
    const char *file;
    struct gs_diag *d;
    bool failed;
};

static void fail(struct reader *r, const xmlNode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct reader *r, const xmlNode *n, const char *fmt, ...)
{
    struct gs_pos pos = {r->file, 0, 0};
    char msg[512];
    va_list ap;

    if (n != NULL && xmlGetLineNo(n) > 0)
        pos.line = (unsigned)xmlGetLineNo(n);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    gs_diag_error(r->d, &pos, "%s", msg);
    r->failed = true;
}

static bool is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           xmlStrcmp(n->ns->href, X(GS_STANAG4774_NS)) == 0 &&
           xmlStrcmp(n->name, X(name)) == 0;
}

/* The element's text with surrounding white space removed (xs:token). */
static char *text_of(const xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    char *s = (char *)t, *end;

    if (t == NULL)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    memmove(t, s, strlen(s) + 1);
    end = (char *)t + strlen((char *)t);
    while (end > (char *)t && (end[-1] == ' ' || end[-1] == '\t' ||
                               end[-1] == '\n' || end[-1] == '\r'))
        *--end = '\0';
    return (char *)t;
}

static void set_text(json_t *o, const char *key, const xmlNode *n)
{
    char *t = text_of(n);

    json_object_set_new(o, key, json_string(t != NULL ? t : ""));
    xmlFree(t);
}

static void read_category(struct reader *r, const xmlNode *cat, json_t *o)
{
    xmlChar *type = xmlGetProp(cat, X("Type"));
    xmlChar *tag = xmlGetProp(cat, X("TagName"));
    const char *key = NULL, *want = NULL;
    json_t *values = json_array();
    const xmlNode *v;

    if (tag != NULL && xmlStrcmp(tag, X(TAG_REL)) == 0) {
        key = "releasable_to";
        want = "PERMISSIVE";
    } else if (tag != NULL && xmlStrcmp(tag, X(TAG_NTK)) == 0) {
        key = "categories";
        want = "RESTRICTIVE";
    } else if (tag != NULL && xmlStrcmp(tag, X(TAG_PURPOSE)) == 0) {
        key = "purpose";
        want = "INFORMATIVE";
    } else if (tag != NULL && xmlStrcmp(tag, X(TAG_DERIVATIVES)) == 0) {
        key = "derivatives";
        want = "PERMISSIVE";
    }
    if (key == NULL) {
        fail(r, cat,
             "category \"%s\" is not one gsomia can honour; the "
             "categories are \"%s\", \"%s\", \"%s\" and \"%s\"",
             tag ? (const char *)tag : "(no TagName)", TAG_REL, TAG_NTK,
             TAG_PURPOSE, TAG_DERIVATIVES);
        goto out;
    }
    if (type == NULL || xmlStrcmp(type, X(want)) != 0) {
        fail(r, cat, "category \"%s\" must have Type=\"%s\"", tag, want);
        goto out;
    }
    if (json_object_get(o, key) != NULL) {
        fail(r, cat, "category \"%s\" appears twice", tag);
        goto out;
    }
    for (v = cat->children; v != NULL; v = v->next) {
        if (v->type != XML_ELEMENT_NODE)
            continue;
        if (!is(v, "GenericValue")) {
            fail(r, v,
                 "unexpected element <%s> in a category; only "
                 "GenericValue is understood",
                 v->name);
            goto out;
        }
        {
            char *t = text_of(v);

            json_array_append_new(values, json_string(t ? t : ""));
            xmlFree(t);
        }
    }
    if (strcmp(key, "purpose") == 0) {
        if (json_array_size(values) != 1) {
            fail(r, cat, "the \"%s\" category needs exactly one value",
                 TAG_PURPOSE);
            goto out;
        }
        json_object_set(o, key, json_array_get(values, 0));
    } else {
        json_object_set(o, key, values);
    }
out:
    json_decref(values);
    xmlFree(type);
    xmlFree(tag);
}

static void read_info(struct reader *r, const xmlNode *info, json_t *o)
{
    const xmlNode *n;

    for (n = info->children; n != NULL && !r->failed; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is(n, "PolicyIdentifier") && !json_object_get(o, "originator"))
            set_text(o, "originator", n);
        else if (is(n, "Classification") &&
                 !json_object_get(o, "classification"))
            set_text(o, "classification", n);
        else if (is(n, "Category"))
            read_category(r, n, o);
        else
            fail(r, n,
                 "unexpected or repeated element <%s>; gsomia reads "
                 "PolicyIdentifier, Classification and Category here",
                 n->name);
    }
}

int gs_stanag4774_read(const struct gs_policy *p, const char *xml, size_t len,
                       const char *file, struct gs_arena *a,
                       struct gs_label **out, struct gs_diag *d)
{
    struct reader r = {file, d, false};
    xmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr doc = NULL;
    const xmlNode *root, *n;
    json_t *o = json_object();
    xmlChar *review = NULL;
    struct gs_diag inner;
    size_t i;
    int rc = GS_ERR_INVALID;

    *out = NULL;
    gs_diag_init(&inner);
    if (len > GS_STANAG4774_MAX || len > INT32_MAX) {
        fail(&r, NULL, "the label is larger than %u bytes", GS_STANAG4774_MAX);
        goto out;
    }
    /* Refuse document type declarations before libxml2 sees them: no
     * entity can then be defined, let alone expanded. */
    for (i = 0; i + 2 <= len; i++) {
        if (xml[i] == '<' && xml[i + 1] == '!' && i + 2 < len &&
            xml[i + 2] != '-' && xml[i + 2] != '[') {
            fail(&r, NULL,
                 "document type declarations are not accepted in a label");
            goto out;
        }
    }
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL)
        goto out;
    doc = xmlCtxtReadMemory(ctxt, xml, (int)len, file, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (doc == NULL) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        struct gs_pos pos = {file, e ? (unsigned)e->line : 0,
                             e ? (unsigned)e->int2 : 0};
        char msg[256] = "not well-formed XML";

        if (e != NULL && e->message != NULL) {
            snprintf(msg, sizeof(msg), "%s", e->message);
            msg[strcspn(msg, "\n")] = '\0';
        }
        gs_diag_error(d, &pos, "not a valid XML label: %s", msg);
        goto out;
    }
    root = xmlDocGetRootElement(doc);
    if (root == NULL || !(is(root, "originatorConfidentialityLabel") ||
                          is(root, "ConfidentialityLabel"))) {
        fail(&r, root,
             "the document is not a STANAG 4774 originator label: "
             "expected <originatorConfidentialityLabel> in namespace %s",
             GS_STANAG4774_NS);
        goto out;
    }
    review = xmlGetProp(root, X("ReviewDateTime"));
    if (review != NULL)
        json_object_set_new(o, "review", json_string((char *)review));
    for (n = root->children; n != NULL && !r.failed; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is(n, "ConfidentialityInformation") &&
            !json_object_get(o, "classification")) {
            read_info(&r, n, o);
        } else if (is(n, "OriginatorID") &&
                   !json_object_get(o, "_originator_id")) {
            char *t = text_of(n);
            xmlChar *type = xmlGetProp(n, X("IDType"));

            if (type == NULL || xmlStrcmp(type, X(ID_TYPE)) != 0)
                fail(&r, n,
                     "OriginatorID must have IDType=\"%s\" and a nation code",
                     ID_TYPE);
            json_object_set_new(o, "_originator_id", json_string(t ? t : ""));
            xmlFree(t);
            xmlFree(type);
        } else if (is(n, "CreationDateTime") &&
                   !json_object_get(o, "created")) {
            set_text(o, "created", n);
        } else {
            fail(&r, n, "unexpected or repeated element <%s>", n->name);
        }
    }
    if (r.failed)
        goto out;
    /* The originator is named twice; both must agree. */
    {
        json_t *id = json_object_get(o, "_originator_id");
        json_t *org = json_object_get(o, "originator");

        if (id != NULL && (org == NULL || !json_equal(id, org))) {
            fail(&r, root,
                 "OriginatorID and PolicyIdentifier name different nations");
            goto out;
        }
        json_object_del(o, "_originator_id");
    }
    {
        struct gs_jctx c = {NULL, &inner};

        rc = gs_label_from_json(p, &c, o, a, out);
        for (i = 0; i < inner.n_msgs; i++) {
            long line = xmlGetLineNo(root);
            struct gs_pos pos = {file, line > 0 ? (unsigned)line : 0, 0};
            const char *m = inner.msgs[i];

            if (strncmp(m, "error: ", 7) == 0)
                m += 7;
            gs_diag_error(d, &pos, "%s", m);
        }
    }
out:
    gs_diag_free(&inner);
    xmlFree(review);
    json_decref(o);
    if (doc != NULL)
        xmlFreeDoc(doc);
    if (ctxt != NULL)
        xmlFreeParserCtxt(ctxt);
    return rc;
}
