/*
 * alloc.h - memory allocation that never returns NULL.
 *
 * Out of memory is not an error gsomia tries to recover from: every
 * allocation goes through these wrappers, which print the caller and abort.
 * Size arithmetic is checked for overflow here so callers need not.
 */
#ifndef GS_BASE_ALLOC_H
#define GS_BASE_ALLOC_H

#include <stddef.h>

void *gs_malloc(size_t size);
/* n * size bytes, zeroed; aborts if the product overflows. */
void *gs_calloc(size_t n, size_t size);
/* Resizes p to n * size bytes; aborts if the product overflows. */
void *gs_reallocarray(void *p, size_t n, size_t size);
char *gs_strdup(const char *s);
char *gs_strndup(const char *s, size_t n);
/* Frees p; p may be NULL. */
void gs_free(void *p);

#endif
