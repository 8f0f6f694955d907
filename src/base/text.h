/*
 * text.h - small helpers for UTF-8 text and lists of strings.
 *
 * Markings are words in a nation's own script (秘, 군사II급비밀), so text
 * shown in tables must be measured in terminal columns, not bytes.
 */
#ifndef GS_BASE_TEXT_H
#define GS_BASE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when s (n bytes) is well-formed UTF-8 without NUL or C0 controls. */
bool gs_utf8_printable(const char *s, size_t n);

/*
 * Columns s takes in a terminal: East Asian wide characters (Hangul, CJK,
 * full-width forms) count two, combining marks zero, others one.
 */
size_t gs_utf8_width(const char *s);

/* Index of s in list[0..n), or -1. */
int gs_str_index(const char *const *list, size_t n, const char *s);

#endif
