/* suggest.h — "did you mean": the closest known word to a misspelt one. */
#ifndef NT_SUGGEST_H
#define NT_SUGGEST_H

#include <stddef.h>

/* Levenshtein distance between a and b (bytes). */
size_t nt_levenshtein(const char *a, const char *b);

/* The candidate closest to `word` when it is close enough to be a likely misspelling (a
 * distance of at most 2, or a third of the word's length), or equal once case, '_' and '-'
 * are ignored (apiServer vs api_server); NULL otherwise. */
const char *nt_suggest(const char *word, const char *const *cands, size_t n);

#endif
