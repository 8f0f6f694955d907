/*
 * arena.h - a region allocator for objects that live and die together.
 *
 * A policy set, a parsed label or a simulate file owns many small strings and
 * arrays that are all released at once; an arena makes that one call and
 * leaves no way to leak or double-free one of them. Allocations are aligned
 * for any type and zeroed. Not thread-safe: one owner at a time.
 */
#ifndef GS_BASE_ARENA_H
#define GS_BASE_ARENA_H

#include <stddef.h>

struct gs_arena;

struct gs_arena *gs_arena_new(void);
/* Releases every allocation of the arena and the arena; a may be NULL. */
void gs_arena_free(struct gs_arena *a);

/* n * size zeroed bytes owned by the arena; aborts on overflow or OOM. */
void *gs_arena_alloc(struct gs_arena *a, size_t n, size_t size);
char *gs_arena_strdup(struct gs_arena *a, const char *s);
char *gs_arena_strndup(struct gs_arena *a, const char *s, size_t n);

#endif
