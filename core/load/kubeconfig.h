/* kubeconfig.h — a sanity check of kubeconfig text, as the API Server parses it
 * (docs/api-server.md §3.5): raw YAML, or base64 of it when the text looks like base64; it must
 * hold at least one `clusters` entry and one `users` entry. The content is never copied into
 * a message. */
#ifndef NT_KUBECONFIG_H
#define NT_KUBECONFIG_H

#include <stddef.h>

/* 0 when the text looks like a usable kubeconfig; -1 otherwise with *why set to a static
 * description ("is not valid YAML", "has no 'users' entry", ...). */
int nt_kubeconfig_check(const char *text, size_t len, const char **why);

#endif
