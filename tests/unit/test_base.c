/*
 * test_base.c - src/base: times, bounded buffers, strict JSON with
 * positions, diagnostics, UTF-8 widths, arenas.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/err.h"
#include "base/json.h"
#include "base/text.h"
#include "base/time.h"

static gs_time_t parse_ok(const char *s)
{
    gs_time_t t;

    assert_int_equal(gs_time_parse(s, &t), 0);
    return t;
}

static void time_known_instants(void **state)
{
    (void)state;
    assert_true(parse_ok("1970-01-01T00:00:00Z") == 0);
    /* date -u -d 2016-11-23T00:00:00Z +%s */
    assert_true(parse_ok("2016-11-23T00:00:00Z") ==
                INT64_C(1479859200) * GS_USEC_PER_SEC);
    assert_true(parse_ok("2022-10-03T22:22:31.250000Z") ==
                INT64_C(1664835751) * GS_USEC_PER_SEC + 250000);
    /* Offsets: 07:22 in Tokyo is 22:22 the day before in UTC. */
    assert_true(parse_ok("2022-10-04T07:22:31.25+09:00") ==
                parse_ok("2022-10-03T22:22:31.250Z"));
    assert_true(parse_ok("1969-12-31T23:59:59.999999Z") == -1);
    assert_true(parse_ok("2000-02-29T00:00:00z") ==
                INT64_C(951782400) * GS_USEC_PER_SEC);
    /* Nanoseconds are dropped to the microsecond, not rounded. */
    assert_true(parse_ok("2000-01-01T00:00:00.123456789Z") % 1000000 == 123456);
    assert_true(parse_ok("0001-01-01T00:00:00Z") == GS_TIME_MIN);
    assert_true(parse_ok("9999-12-31T23:59:59.999999Z") == GS_TIME_MAX);
}

static void time_rejects(void **state)
{
    static const char *const bad[] = {
        "",
        "2016-11-23",
        "2016-11-23T00:00:00",  /* no zone */
        "2016-11-23 00:00:00Z", /* space */
        "2016-11-31T00:00:00Z", /* 31 November */
        "2019-02-29T00:00:00Z", /* not a leap year */
        "1900-02-29T00:00:00Z", /* not a leap year either */
        "2016-13-01T00:00:00Z",
        "2016-11-23T24:00:00Z",
        "2016-11-23T23:60:00Z",
        "2016-12-31T23:59:60Z", /* leap second */
        "2016-11-23T00:00:00.Z",
        "2016-11-23T00:00:00.1234567890Z",
        "2016-11-23T00:00:00+9:00",
        "2016-11-23T00:00:00+24:00",
        "2016-11-23T00:00:00Zjunk",
        "0000-01-01T00:00:00Z",
        "+2016-11-23T00:00:00Z",
        "2016-11-23T00:00:00ZZ",
    };
    size_t i;
    gs_time_t t = 1;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(gs_time_parse(bad[i], &t), GS_ERR_INVALID);
        assert_true(t == 0);
    }
}

static void time_round_trip(void **state)
{
    char buf[GS_TIME_STRLEN];
    gs_time_t t, back;

    (void)state;
    assert_int_equal(gs_time_format(0, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
    gs_time_format(parse_ok("2022-10-04T07:22:31.25+09:00"), buf, sizeof(buf));
    assert_string_equal(buf, "2022-10-03T22:22:31.250000Z");
    gs_time_format(-1, buf, sizeof(buf));
    assert_string_equal(buf, "1969-12-31T23:59:59.999999Z");
    /* Every day of several centuries survives the round trip. */
    for (t = parse_ok("1899-12-25T13:14:15.000001Z");
         t < parse_ok("2101-01-03T00:00:00Z"); t += 86400 * GS_USEC_PER_SEC) {
        gs_time_format(t, buf, sizeof(buf));
        assert_int_equal(gs_time_parse(buf, &back), 0);
        assert_true(back == t);
    }
    assert_int_equal(gs_time_format(GS_TIME_MAX + 1, buf, sizeof(buf)),
                     GS_ERR_INVALID);
    assert_string_equal(buf, "");
    assert_int_equal(gs_time_format(0, buf, 10), GS_ERR_INVALID);
}

static void buf_is_bounded(void **state)
{
    struct gs_buf b;

    (void)state;
    gs_buf_init(&b, 8);
    assert_string_equal(gs_buf_str(&b), "");
    assert_int_equal(gs_buf_append(&b, "abcd", 4), 0);
    assert_int_equal(gs_buf_printf(&b, "%d", 1234), 0);
    assert_int_equal(b.len, 8);
    assert_string_equal(gs_buf_str(&b), "abcd1234");
    /* Past the maximum: refused, contents unchanged. */
    assert_int_equal(gs_buf_append(&b, "x", 1), GS_ERR_TOO_BIG);
    assert_int_equal(gs_buf_printf(&b, "%s", "y"), GS_ERR_TOO_BIG);
    assert_int_equal(b.len, 8);
    assert_string_equal(gs_buf_str(&b), "abcd1234");
    assert_int_equal(gs_buf_append(&b, "x", SIZE_MAX), GS_ERR_TOO_BIG);
    gs_buf_reset(&b);
    assert_string_equal(gs_buf_str(&b), "");
    gs_buf_free_secret(&b);
    assert_null(b.data);
}

static void buf_reads_files_within_limit(void **state)
{
    char path[] = "/tmp/gsomia-test-XXXXXX";
    struct gs_buf b;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "0123456789", 10), 10);
    close(fd);
    gs_buf_init(&b, 10);
    assert_int_equal(gs_buf_read_file(&b, path), 0);
    assert_string_equal(gs_buf_str(&b), "0123456789");
    gs_buf_free(&b);
    gs_buf_init(&b, 9);
    assert_int_equal(gs_buf_read_file(&b, path), GS_ERR_TOO_BIG);
    gs_buf_free(&b);
    unlink(path);
    gs_buf_init(&b, 9);
    assert_int_equal(gs_buf_read_file(&b, path), GS_ERR_NOT_FOUND);
    gs_buf_free(&b);
}

static void json_positions(void **state)
{
    static const char text[] = "{\n"
                               "  \"a\": 1,\n"
                               "  \"한국\": [true, null,\n"
                               "      {\"b\": \"x\"}],\n"
                               "  \"c\": null\n"
                               "}\n";
    struct gs_jdoc doc;
    struct gs_diag d;
    const json_t *arr, *inner;
    struct gs_pos p;

    (void)state;
    gs_diag_init(&d);
    assert_int_equal(gs_jdoc_parse(&doc, "t.json", text, strlen(text), &d), 0);
    p = gs_jpos_member(&doc, doc.root, "a");
    assert_string_equal(p.file, "t.json");
    assert_int_equal(p.line, 2);
    assert_int_equal(p.col, 8);
    /* Columns count characters: 한국 is two. */
    p = gs_jpos_member(&doc, doc.root, "한국");
    assert_int_equal(p.line, 3);
    assert_int_equal(p.col, 9);
    arr = json_object_get(doc.root, "한국");
    p = gs_jpos_element(&doc, arr, 1); /* null: shared by jansson */
    assert_int_equal(p.line, 3);
    assert_int_equal(p.col, 16);
    inner = json_array_get(arr, 2);
    p = gs_jpos_value(&doc, inner);
    assert_int_equal(p.line, 4);
    assert_int_equal(p.col, 7);
    p = gs_jpos_member(&doc, inner, "b");
    assert_int_equal(p.line, 4);
    assert_int_equal(p.col, 13);
    p = gs_jpos_member(&doc, doc.root, "c");
    assert_int_equal(p.line, 5);
    assert_int_equal(p.col, 8);
    gs_jdoc_free(&doc);
    assert_int_equal(d.errors, 0);
    gs_diag_free(&d);
}

static void json_rejects_duplicates_with_position(void **state)
{
    static const char text[] = "{\"a\": 1,\n \"a\": 2}";
    struct gs_jdoc doc;
    struct gs_diag d;

    (void)state;
    gs_diag_init(&d);
    assert_int_equal(gs_jdoc_parse(&doc, "dup.json", text, strlen(text), &d),
                     GS_ERR_INVALID);
    assert_null(doc.root);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(gs_diag_first(&d), "dup.json:2:"));
    assert_non_null(strstr(gs_diag_first(&d), "duplicate"));
    gs_jdoc_free(&doc);
    gs_diag_free(&d);

    /* NUL inside a string is refused too. */
    gs_diag_init(&d);
    assert_int_equal(gs_jdoc_parse(&doc, "nul.json", "[\"a\\u0000b\"]", 12, &d),
                     GS_ERR_INVALID);
    gs_jdoc_free(&doc);
    gs_diag_free(&d);
}

static void json_typed_members(void **state)
{
    static const char text[] = "{\"s\": \"x\", \"e\": \"\", \"n\": 2.5, "
                               "\"t\": \"2016-11-23T00:00:00Z\", "
                               "\"bad_t\": \"yesterday\", \"z\": null, "
                               "\"arr\": [\"a\", 3]}";
    static const char *const allowed[] = {"s",     "e", "n", "t",
                                          "bad_t", "z", NULL};
    struct gs_jdoc doc;
    struct gs_diag d;
    struct gs_jctx c = {&doc, &d};
    const char *s;
    const json_t *arr;
    double n;
    gs_time_t t;
    bool present;

    (void)state;
    gs_diag_init(&d);
    assert_int_equal(gs_jdoc_parse(&doc, "m.json", text, strlen(text), &d), 0);
    assert_int_equal(gs_json_string(&c, doc.root, "s", true, &s), 0);
    assert_string_equal(s, "x");
    assert_int_equal(gs_json_string(&c, doc.root, "e", true, &s),
                     GS_ERR_INVALID);
    assert_int_equal(gs_json_string(&c, doc.root, "n", true, &s),
                     GS_ERR_INVALID);
    assert_non_null(strstr(d.msgs[1], "must be a string, not a number"));
    assert_int_equal(gs_json_string(&c, doc.root, "z", false, &s), 0);
    assert_null(s);
    assert_int_equal(gs_json_string(&c, doc.root, "z", true, &s),
                     GS_ERR_INVALID);
    assert_int_equal(gs_json_number(&c, doc.root, "n", true, &n, &present), 0);
    assert_true(n == 2.5 && present);
    assert_int_equal(gs_json_time(&c, doc.root, "t", true, &t, &present), 0);
    assert_true(present && t == INT64_C(1479859200) * GS_USEC_PER_SEC);
    assert_int_equal(gs_json_time(&c, doc.root, "bad_t", true, &t, NULL),
                     GS_ERR_INVALID);
    assert_int_equal(gs_json_time(&c, doc.root, "missing", false, &t, &present),
                     0);
    assert_false(present);
    assert_int_equal(gs_json_array(&c, doc.root, "arr", true, &arr), 0);
    assert_int_equal(gs_json_string_at(&c, arr, 0, &s), 0);
    assert_int_equal(gs_json_string_at(&c, arr, 1, &s), GS_ERR_INVALID);
    assert_int_equal(gs_json_string_at(&c, arr, 7, &s), GS_ERR_INVALID);
    /* "arr" is not among the allowed members. */
    d.errors = 0;
    assert_int_equal(gs_json_object(&c, doc.root, "a thing", allowed),
                     GS_ERR_INVALID);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.msgs[d.n_msgs - 1], "unknown member \"arr\""));
    assert_non_null(strstr(d.msgs[d.n_msgs - 1], "m.json:1:"));
    gs_jdoc_free(&doc);
    gs_diag_free(&d);
}

static void diag_keeps_a_bounded_number(void **state)
{
    struct gs_diag d;
    struct gs_pos p = {"f", 3, 4};
    size_t i;

    (void)state;
    gs_diag_init(&d);
    for (i = 0; i < GS_DIAG_KEEP + 50; i++)
        gs_diag_error(&d, &p, "problem %zu", i);
    gs_diag_warn(&d, NULL, "careful");
    assert_int_equal(d.errors, GS_DIAG_KEEP + 50);
    assert_int_equal(d.warnings, 1);
    assert_int_equal(d.n_msgs, GS_DIAG_KEEP);
    assert_string_equal(d.msgs[0], "f:3:4: error: problem 0");
    gs_diag_free(&d);
    gs_diag_error(NULL, NULL, "discarded");
}

static void utf8_widths(void **state)
{
    (void)state;
    assert_int_equal(gs_utf8_width("SECRET"), 6);
    assert_int_equal(gs_utf8_width("極秘"), 4);
    assert_int_equal(gs_utf8_width("군사II급비밀"), 12);
    assert_int_equal(gs_utf8_width("군사Ⅱ급비밀"), 11);
    assert_true(gs_utf8_printable("군사Ⅱ급비밀", strlen("군사Ⅱ급비밀")));
    assert_false(gs_utf8_printable("a\nb", 3));
    assert_false(gs_utf8_printable("\xc0\xaf", 2));     /* overlong */
    assert_false(gs_utf8_printable("\xed\xa0\x80", 3)); /* surrogate */
    assert_false(gs_utf8_printable("\xe6\xa5", 2));     /* truncated */
}

static void arena_allocates_aligned_zeroed(void **state)
{
    struct gs_arena *a = gs_arena_new();
    size_t i;

    (void)state;
    for (i = 1; i < 5000; i += 37) {
        unsigned char *p = gs_arena_alloc(a, i, 3);
        size_t j;

        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        for (j = 0; j < i * 3; j++)
            assert_int_equal(p[j], 0);
        memset(p, 0xAB, i * 3);
    }
    assert_string_equal(gs_arena_strndup(a, "abcdef", 3), "abc");
    assert_string_equal(gs_arena_strdup(a, "극秘"), "극秘");
    gs_arena_free(a);
    gs_arena_free(NULL);
}

static void errors_have_messages(void **state)
{
    int e;

    (void)state;
    for (e = GS_OK; e >= GS_ERR_UNSUPPORTED; e--)
        assert_string_not_equal(gs_strerror(e), "unknown error");
    assert_string_equal(gs_strerror(-999), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(time_known_instants),
        cmocka_unit_test(time_rejects),
        cmocka_unit_test(time_round_trip),
        cmocka_unit_test(buf_is_bounded),
        cmocka_unit_test(buf_reads_files_within_limit),
        cmocka_unit_test(json_positions),
        cmocka_unit_test(json_rejects_duplicates_with_position),
        cmocka_unit_test(json_typed_members),
        cmocka_unit_test(diag_keeps_a_bounded_number),
        cmocka_unit_test(utf8_widths),
        cmocka_unit_test(arena_allocates_aligned_zeroed),
        cmocka_unit_test(errors_have_messages),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
