/* alloc.c - allocation wrappers: abort on exhaustion or size overflow. */
#include "base/alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(const char *what, size_t n)
{
    fprintf(stderr, "gsomia: out of memory (%s of %zu bytes)\n", what, n);
    abort();
}

void *gs_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (p == NULL)
        out_of_memory("malloc", size);
    return p;
}

void *gs_calloc(size_t n, size_t size)
{
    size_t total;
    void *p;

    if (__builtin_mul_overflow(n, size, &total))
        out_of_memory("calloc overflow", SIZE_MAX);
    p = calloc(total ? n : 1, total ? size : 1);
    if (p == NULL)
        out_of_memory("calloc", total);
    return p;
}

void *gs_reallocarray(void *p, size_t n, size_t size)
{
    size_t total;
    void *q;

    if (__builtin_mul_overflow(n, size, &total))
        out_of_memory("realloc overflow", SIZE_MAX);
    q = realloc(p, total ? total : 1);
    if (q == NULL)
        out_of_memory("realloc", total);
    return q;
}

char *gs_strdup(const char *s)
{
    return gs_strndup(s, strlen(s));
}

char *gs_strndup(const char *s, size_t n)
{
    char *p;
    size_t len = strnlen(s, n);

    p = gs_malloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void gs_free(void *p)
{
    free(p);
}
