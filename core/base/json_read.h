/* json_read.h — reading JSON from an untrusted peer, for the client (core/observe/api_json.c)
 * and the local server (devserver/api_body.c) alike: a length-delimited parse that reports
 * where it stopped, strict UTF-8, line and column of an offset, and wiping a tree that may
 * hold a secret (and printing one without leaving copies of it behind). */
#ifndef NT_BASE_JSON_READ_H
#define NT_BASE_JSON_READ_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* Wipe every string of a tree (it may hold a kubeconfig) before it is freed. */
void nt_json_wipe(cJSON *j);
/* cJSON_Print (format) or cJSON_PrintUnformatted of a tree that may hold a secret, into a
 * block of the caller's (free it with nt_wipe_free): cJSON's own printing grows its buffer by
 * realloc and frees the smaller copies as they are; this prints once, into a block as large as
 * the text can be (up to 6 bytes for each byte of a string). NULL for a NULL tree, a text that
 * could exceed INT_MAX bytes, or a tree cJSON cannot print (the block is wiped first). */
char *nt_json_print_secret(const cJSON *j, bool format);
/* Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
bool nt_utf8_valid(const unsigned char *s, size_t len);
/* Parse a length-delimited buffer as one JSON value. On failure (NULL) *err_at is the byte
 * offset where the parser stopped. Embedded NUL bytes are a syntax error. */
cJSON *nt_json_parse(const char *body, size_t len, size_t *err_at);
/* The 1-based line and column of byte offset `off` of body. */
void nt_line_col(const char *body, size_t len, size_t off, unsigned *line, unsigned *col);
/* The first byte at or after s that is not JSON whitespace (end at most). */
const char *nt_json_skip_ws(const char *s, const char *end);

#endif
