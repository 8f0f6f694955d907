/*
 * cap.c - CAP 1.2 civil warnings with libxml2; see cap.h.
 *
 * The document is built as a libxml2 tree, which escapes every text it is
 * given, and written out in one go; the text comes from the fixed sentences
 * below and from names in the boundaries file.
 */
#include "alert/cap.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"

static const xmlChar *X(const char *s)
{
    return (const xmlChar *)s;
}

#define MINUTE (60 * GS_USEC_PER_SEC)
#define MAX_OFFSET (14 * 60)

static const char *const msg_types[] = {"Alert", "Update", "Cancel"};
static const char *const statuses[] = {"Actual", "Exercise", "Test"};
static const char *const certainties[] = {"Observed", "Likely"};

static gs_time_t floor_minute(gs_time_t t)
{
    gs_time_t q = t / MINUTE;

    if (t % MINUTE < 0)
        q--;
    return q * MINUTE;
}

int gs_cap_time(gs_time_t t, int utc_offset, char *out, size_t n)
{
    char s[GS_TIME_STRLEN];
    gs_time_t local;
    int off = utc_offset < 0 ? -utc_offset : utc_offset;

    if (n > 0)
        out[0] = '\0';
    if (n < 26 || utc_offset < -MAX_OFFSET || utc_offset > MAX_OFFSET ||
        t < GS_TIME_MIN + 15 * 60 * MINUTE ||
        t > GS_TIME_MAX - 15 * 60 * MINUTE)
        return GS_ERR_INVALID;
    /* The local wall clock, written by the UTC formatter: its first 19
     * characters, "YYYY-MM-DDTHH:MM:SS", are the local date and time. */
    local = floor_minute(t) + (gs_time_t)utc_offset * MINUTE;
    if (gs_time_format(local, s, sizeof(s)) < 0)
        return GS_ERR_INVALID;
    snprintf(out, n, "%.19s%c%02d:%02d", s, utc_offset > 0 ? '+' : '-',
             off / 60, off % 60);
    return 0;
}

/* "07:22", the local time of day of t, for the sentences. */
static void clock_text(gs_time_t t, int utc_offset, char out[6])
{
    char s[32];

    out[0] = '\0';
    if (gs_cap_time(t, utc_offset, s, sizeof(s)) == 0)
        snprintf(out, 6, "%.5s", s + 11);
}

const char *gs_cap_situation_name(enum gs_cap_situation s)
{
    switch (s) {
    case GS_CAP_LAUNCHED:
        return "launched";
    case GS_CAP_PASSED:
        return "passed";
    case GS_CAP_FELL_AT_SEA:
        return "fell-at-sea";
    case GS_CAP_WITHDRAWN:
        return "withdrawn";
    case GS_CAP_FELL_ON_LAND:
        return "fell-on-land";
    case GS_CAP_LOST:
        return "lost";
    }
    return "?";
}

bool gs_cap_id_ok(const char *s)
{
    size_t i, n = strnlen(s, GS_CAP_ID_SIZE);

    if (n == 0 || n >= GS_CAP_ID_SIZE)
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '@' || c == '_' ||
              c == ':' || c == '-'))
            return false;
    }
    return true;
}

static bool is_subdivision(const struct gs_region *r)
{
    return r != NULL && strchr(r->code, '-') != NULL;
}

static bool situation_ok(const struct gs_cap_message *m)
{
    switch (m->msg_type) {
    case GS_CAP_ALERT:
        return m->situation == GS_CAP_LAUNCHED;
    case GS_CAP_UPDATE:
        return m->situation == GS_CAP_LAUNCHED ||
               m->situation == GS_CAP_PASSED ||
               m->situation == GS_CAP_FELL_ON_LAND ||
               m->situation == GS_CAP_LOST;
    case GS_CAP_CANCEL:
        return m->situation == GS_CAP_FELL_AT_SEA ||
               m->situation == GS_CAP_WITHDRAWN;
    }
    return false;
}

static bool message_ok(const struct gs_cap_message *m)
{
    char t[32];
    size_t i;

    if ((unsigned)m->msg_type > GS_CAP_CANCEL ||
        (unsigned)m->status > GS_CAP_TEST ||
        (unsigned)m->certainty > GS_CAP_LIKELY ||
        (unsigned)m->situation > GS_CAP_LOST || !situation_ok(m))
        return false;
    if (!gs_cap_id_ok(m->sender) || !gs_cap_id_ok(m->identifier))
        return false;
    if (gs_cap_time(m->sent, m->utc_offset, t, sizeof(t)) < 0 ||
        gs_cap_time(m->expires, m->utc_offset, t, sizeof(t)) < 0 ||
        m->expires <= m->sent)
        return false;
    if (m->launch_time != 0 &&
        gs_cap_time(m->launch_time, m->utc_offset, t, sizeof(t)) < 0)
        return false;
    if ((m->msg_type == GS_CAP_ALERT) != (m->n_refs == 0) ||
        m->n_refs > GS_CAP_MAX_REFS)
        return false;
    for (i = 0; i < m->n_refs; i++)
        if (!gs_cap_id_ok(m->refs[i].sender) ||
            !gs_cap_id_ok(m->refs[i].identifier) ||
            gs_cap_time(m->refs[i].sent, m->utc_offset, t, sizeof(t)) < 0)
            return false;
    if (m->origin != NULL && is_subdivision(m->origin))
        return false;
    if (m->n_areas == 0 || m->n_areas > GS_CAP_MAX_AREAS)
        return false;
    for (i = 0; i < m->n_areas; i++)
        if (!is_subdivision(m->areas[i]))
            return false;
    return true;
}

/* "Aomori, Iwate and Miyagi". */
static void area_names(const struct gs_cap_message *m, struct gs_buf *b)
{
    size_t i;

    for (i = 0; i < m->n_areas; i++)
        gs_buf_printf(b, "%s%s",
                      i == 0                ? ""
                      : i + 1 == m->n_areas ? " and "
                                            : ", ",
                      m->areas[i]->name);
}

/* "launched from North Korea at about 07:22 (UTC+09:00)". */
static void launch_words(const struct gs_cap_message *m, struct gs_buf *b)
{
    char clock[6];
    int off = m->utc_offset < 0 ? -m->utc_offset : m->utc_offset;

    gs_buf_append_str(b, "launched");
    if (m->origin != NULL)
        gs_buf_printf(b, " from %s", m->origin->name);
    if (m->launch_time != 0) {
        clock_text(m->launch_time, m->utc_offset, clock);
        gs_buf_printf(b, " at about %s (UTC%c%02d:%02d)", clock,
                      m->utc_offset < 0 ? '-' : '+', off / 60, off % 60);
    }
}

#define SHELTER                                                                \
    "Take shelter immediately in a sturdy building or underground. If "        \
    "there is no building nearby, take cover behind something or lie down "    \
    "and protect your head."
#define DEBRIS                                                                 \
    "If you find anything that may have fallen, do not approach or touch "     \
    "it; report it to the police or the fire service at once."

static void sentences(const struct gs_cap_message *m, struct gs_buf *headline,
                      struct gs_buf *desc, const char **instruction)
{
    switch (m->situation) {
    case GS_CAP_LAUNCHED:
        gs_buf_append_str(headline, "Missile launched");
        if (m->origin != NULL)
            gs_buf_printf(headline, " from %s", m->origin->name);
        gs_buf_append_str(desc, "A missile appears to have been ");
        launch_words(m, desc);
        gs_buf_append_str(desc, ". It may fly over or fall in ");
        area_names(m, desc);
        gs_buf_append_str(desc, ".");
        *instruction = SHELTER;
        break;
    case GS_CAP_PASSED:
        gs_buf_append_str(headline, "Missile appears to have passed over");
        gs_buf_append_str(desc, "The missile ");
        launch_words(m, desc);
        gs_buf_append_str(desc, " appears to have passed over ");
        area_names(m, desc);
        gs_buf_append_str(desc, ". Further information will follow.");
        *instruction = "Stay under shelter until told otherwise. " DEBRIS;
        break;
    case GS_CAP_FELL_AT_SEA:
        gs_buf_append_str(headline, "Missile appears to have fallen at sea");
        gs_buf_append_str(desc, "The missile ");
        launch_words(m, desc);
        gs_buf_append_str(desc, " appears to have fallen into the sea. "
                                "The warning for ");
        area_names(m, desc);
        gs_buf_append_str(desc, " is over.");
        *instruction = DEBRIS;
        break;
    case GS_CAP_WITHDRAWN:
        gs_buf_append_str(headline, "Missile warning withdrawn");
        gs_buf_append_str(desc, "The earlier warning for ");
        area_names(m, desc);
        gs_buf_append_str(desc, " is withdrawn: the missile ");
        launch_words(m, desc);
        gs_buf_append_str(desc, " is no longer expected to reach them.");
        *instruction = "No action is needed.";
        break;
    case GS_CAP_FELL_ON_LAND:
        gs_buf_append_str(headline, "Missile appears to have fallen in ");
        area_names(m, headline);
        gs_buf_append_str(desc, "The missile ");
        launch_words(m, desc);
        gs_buf_append_str(desc, " appears to have fallen in ");
        area_names(m, desc);
        gs_buf_append_str(desc, ". Further information will follow.");
        *instruction = "Stay indoors and away from the area. " DEBRIS;
        break;
    case GS_CAP_LOST:
        gs_buf_append_str(headline, "Missile no longer tracked");
        gs_buf_append_str(desc, "The missile ");
        launch_words(m, desc);
        gs_buf_append_str(desc, " is no longer tracked; whether it flew over "
                                "or fell in ");
        area_names(m, desc);
        gs_buf_append_str(desc, " is not known. Further information will "
                                "follow.");
        *instruction = "Stay under shelter until told otherwise. " DEBRIS;
        break;
    }
}

static void add_time(xmlNodePtr parent, xmlNsPtr ns, const char *name,
                     gs_time_t t, int utc_offset)
{
    char s[32];

    gs_cap_time(t, utc_offset, s, sizeof(s));
    xmlNewTextChild(parent, ns, X(name), X(s));
}

int gs_cap_write(const struct gs_cap_message *m, struct gs_buf *b)
{
    struct gs_buf head, desc, refs;
    const char *instruction = NULL;
    xmlDocPtr doc;
    xmlNodePtr root, info, area, geo;
    xmlNsPtr ns;
    xmlChar *text = NULL;
    size_t i;
    int len = 0, rc;

    if (!message_ok(m))
        return GS_ERR_INVALID;
    gs_buf_init(&head, 1024);
    gs_buf_init(&desc, 16384);
    gs_buf_init(&refs, 16384);
    sentences(m, &head, &desc, &instruction);
    for (i = 0; i < m->n_refs; i++) {
        char t[32];

        gs_cap_time(m->refs[i].sent, m->utc_offset, t, sizeof(t));
        gs_buf_printf(&refs, "%s%s,%s,%s", i ? " " : "", m->refs[i].sender,
                      m->refs[i].identifier, t);
    }

    doc = xmlNewDoc(X("1.0"));
    root = xmlNewNode(NULL, X("alert"));
    ns = xmlNewNs(root, X(GS_CAP_NS), NULL);
    xmlSetNs(root, ns);
    xmlDocSetRootElement(doc, root);
    xmlNewTextChild(root, ns, X("identifier"), X(m->identifier));
    xmlNewTextChild(root, ns, X("sender"), X(m->sender));
    add_time(root, ns, "sent", m->sent, m->utc_offset);
    xmlNewTextChild(root, ns, X("status"), X(statuses[m->status]));
    xmlNewTextChild(root, ns, X("msgType"), X(msg_types[m->msg_type]));
    xmlNewTextChild(root, ns, X("scope"), X("Public"));
    if (m->n_refs > 0)
        xmlNewTextChild(root, ns, X("references"), X(gs_buf_str(&refs)));
    /* Every message about one launch names the first as the incident. */
    xmlNewTextChild(root, ns, X("incidents"),
                    X(m->n_refs > 0 ? m->refs[0].identifier : m->identifier));

    info = xmlNewChild(root, ns, X("info"), NULL);
    xmlNewTextChild(info, ns, X("language"), X("en-US"));
    xmlNewTextChild(info, ns, X("category"), X("Safety"));
    xmlNewTextChild(info, ns, X("event"), X("Ballistic missile"));
    xmlNewTextChild(info, ns, X("responseType"),
                    X(m->situation == GS_CAP_FELL_AT_SEA    ? "AllClear"
                      : m->situation == GS_CAP_WITHDRAWN    ? "None"
                      : m->situation == GS_CAP_FELL_ON_LAND ? "Avoid"
                                                            : "Shelter"));
    xmlNewTextChild(info, ns, X("urgency"), X("Immediate"));
    xmlNewTextChild(info, ns, X("severity"), X("Extreme"));
    xmlNewTextChild(info, ns, X("certainty"), X(certainties[m->certainty]));
    /* expires rounded up: a warning never ends before the caller said. */
    add_time(info, ns, "expires", floor_minute(m->expires + MINUTE - 1),
             m->utc_offset);
    xmlNewTextChild(info, ns, X("headline"), X(gs_buf_str(&head)));
    xmlNewTextChild(info, ns, X("description"), X(gs_buf_str(&desc)));
    xmlNewTextChild(info, ns, X("instruction"), X(instruction));
    for (i = 0; i < m->n_areas; i++) {
        area = xmlNewChild(info, ns, X("area"), NULL);
        xmlNewTextChild(area, ns, X("areaDesc"), X(m->areas[i]->name));
        geo = xmlNewChild(area, ns, X("geocode"), NULL);
        xmlNewTextChild(geo, ns, X("valueName"), X("ISO3166-2"));
        xmlNewTextChild(geo, ns, X("value"), X(m->areas[i]->code));
    }

    xmlDocDumpFormatMemoryEnc(doc, &text, &len, "UTF-8", 1);
    rc = text != NULL && len > 0 ? gs_buf_append(b, text, (size_t)len)
                                 : GS_ERR_INVALID;
    xmlFree(text);
    xmlFreeDoc(doc);
    gs_buf_free(&head);
    gs_buf_free(&desc);
    gs_buf_free(&refs);
    return rc;
}

/* ---------------------------------------------------------- validation */

struct first_error {
    char *why;
    size_t n;
    bool seen;
};

static void keep_first(void *ctx, xmlErrorPtr e)
{
    struct first_error *f = ctx;

    if (f->seen || e == NULL || f->why == NULL || f->n == 0)
        return;
    f->seen = true;
    snprintf(f->why, f->n, "line %d: %s", e->line,
             e->message ? e->message : "invalid");
    f->why[strcspn(f->why, "\n")] = '\0';
}

static void say(char *why, size_t n, const char *msg)
{
    if (why != NULL && n > 0)
        snprintf(why, n, "%s", msg);
}

int gs_cap_validate(const char *xml, size_t len, const char *xsd_path,
                    char *why, size_t n)
{
    struct first_error first = {why, n, false};
    xmlSchemaParserCtxtPtr pctxt = NULL;
    xmlSchemaPtr schema = NULL;
    xmlSchemaValidCtxtPtr vctxt = NULL;
    xmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr doc = NULL;
    size_t i;
    int rc = GS_ERR_INVALID, v;

    say(why, n, "");
    if (xsd_path == NULL)
        xsd_path = GSOMIA_CAP_XSD;
    if (len > GS_CAP_MAX_DOC) {
        say(why, n, "the document is larger than the limit");
        return GS_ERR_TOO_BIG;
    }
    /* No document type declarations: no entity can be defined. */
    for (i = 0; i + 2 < len; i++) {
        if (xml[i] == '<' && xml[i + 1] == '!' && xml[i + 2] != '-' &&
            xml[i + 2] != '[') {
            say(why, n, "document type declarations are not accepted");
            return GS_ERR_INVALID;
        }
    }
    if (access(xsd_path, R_OK) != 0) {
        say(why, n, "the CAP schema file cannot be read");
        return GS_ERR_NOT_FOUND;
    }
    pctxt = xmlSchemaNewParserCtxt(xsd_path);
    if (pctxt == NULL) {
        rc = GS_ERR_IO;
        goto out;
    }
    xmlSchemaSetParserStructuredErrors(pctxt, keep_first, &first);
    schema = xmlSchemaParse(pctxt);
    if (schema == NULL) {
        if (!first.seen)
            say(why, n, "the CAP schema does not compile");
        rc = GS_ERR_IO;
        goto out;
    }
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL)
        goto out;
    doc = xmlCtxtReadMemory(ctxt, xml, (int)len, "cap.xml", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING);
    if (doc == NULL) {
        xmlErrorPtr e = xmlCtxtGetLastError(ctxt);

        if (e != NULL)
            keep_first(&first, e);
        else
            say(why, n, "not well-formed XML");
        goto out;
    }
    vctxt = xmlSchemaNewValidCtxt(schema);
    if (vctxt == NULL)
        goto out;
    xmlSchemaSetValidStructuredErrors(vctxt, keep_first, &first);
    v = xmlSchemaValidateDoc(vctxt, doc);
    if (v == 0)
        rc = 0;
    else if (!first.seen)
        say(why, n, "the document is not valid CAP 1.2");
out:
    if (vctxt != NULL)
        xmlSchemaFreeValidCtxt(vctxt);
    if (doc != NULL)
        xmlFreeDoc(doc);
    if (ctxt != NULL)
        xmlFreeParserCtxt(ctxt);
    if (schema != NULL)
        xmlSchemaFree(schema);
    if (pctxt != NULL)
        xmlSchemaFreeParserCtxt(pctxt);
    return rc;
}
