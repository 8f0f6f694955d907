/*
 * arena.c - region allocator: a list of chunks, each filled front to back.
 * A request larger than a quarter of the chunk size gets a chunk of its own so
 * that big arrays do not waste the tail of a shared chunk.
 */
#include "base/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "base/alloc.h"

#define ARENA_CHUNK 8192

struct chunk {
    struct chunk *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
};

struct gs_arena {
    struct chunk *head;
};

struct gs_arena *gs_arena_new(void)
{
    return gs_calloc(1, sizeof(struct gs_arena));
}

void gs_arena_free(struct gs_arena *a)
{
    struct chunk *c, *next;

    if (a == NULL)
        return;
    for (c = a->head; c != NULL; c = next) {
        next = c->next;
        gs_free(c);
    }
    gs_free(a);
}

static struct chunk *chunk_new(size_t cap)
{
    size_t total;
    struct chunk *c;

    if (__builtin_add_overflow(sizeof(*c), cap, &total))
        total = SIZE_MAX; /* gs_malloc aborts on an impossible size */
    c = gs_malloc(total);
    c->next = NULL;
    c->used = 0;
    c->cap = cap;
    return c;
}

void *gs_arena_alloc(struct gs_arena *a, size_t n, size_t size)
{
    const size_t align = alignof(max_align_t);
    size_t bytes, padded;
    struct chunk *c;
    void *p;

    if (__builtin_mul_overflow(n, size, &bytes) ||
        __builtin_add_overflow(bytes, align - 1, &padded))
        padded = SIZE_MAX;
    else
        padded &= ~(align - 1);
    if (padded == 0)
        padded = align;

    if (padded > ARENA_CHUNK / 4) {
        c = chunk_new(padded);
        if (a->head != NULL) {
            /* Keep the partly filled chunk at the head for small requests. */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            a->head = c;
        }
        c->used = padded;
        memset(c->data, 0, padded);
        return c->data;
    }
    if (a->head == NULL || a->head->cap - a->head->used < padded) {
        c = chunk_new(ARENA_CHUNK);
        c->next = a->head;
        a->head = c;
    }
    c = a->head;
    p = c->data + c->used;
    c->used += padded;
    memset(p, 0, padded);
    return p;
}

char *gs_arena_strndup(struct gs_arena *a, const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = gs_arena_alloc(a, len + 1, 1);

    memcpy(p, s, len);
    return p;
}

char *gs_arena_strdup(struct gs_arena *a, const char *s)
{
    return gs_arena_strndup(a, s, SIZE_MAX);
}
