#include "core/load/kubeconfig.h"

#include "core/base/alloc.h"
#include "core/base/wipe.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static bool looks_base64(const char *s, size_t len)
{
    if (len == 0 || len % 4)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '='))
            return false;
    }
    return true;
}

/* Number of items of the top-level sequence `key`; -1 when it is not a sequence. */
static long seq_len(yaml_document_t *doc, yaml_node_t *root, const char *key)
{
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        yaml_node_t *v = yaml_document_get_node(doc, p->value);
        if (!k || k->type != YAML_SCALAR_NODE || strcmp((char *)k->data.scalar.value, key))
            continue;
        if (!v || v->type != YAML_SEQUENCE_NODE)
            return -1;
        return (long)(v->data.sequence.items.top - v->data.sequence.items.start);
    }
    return -1;
}

static int check_yaml(const unsigned char *s, size_t len, const char **why)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    int rc = -1;
    bool have_doc = false;
    if (!yaml_parser_initialize(&parser)) {
        *why = "could not be parsed";
        return -1;
    }
    yaml_parser_set_input_string(&parser, s, len);
    if (!yaml_parser_load(&parser, &doc)) {
        *why = "is not valid YAML";
        goto done;
    }
    have_doc = true;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        *why = "is not a YAML mapping (expected a kubeconfig with clusters and users)";
        goto done;
    }
    if (seq_len(&doc, root, "clusters") < 1) {
        *why = "has no 'clusters' entry";
        goto done;
    }
    if (seq_len(&doc, root, "users") < 1) {
        *why = "has no 'users' entry";
        goto done;
    }
    rc = 0;
done:
    if (have_doc) {
        /* libyaml's copy of every value (a client key, a token): wiped before it is freed */
        for (yaml_node_t *n = doc.nodes.start; n < doc.nodes.top; n++)
            if (n->type == YAML_SCALAR_NODE)
                nt_wipe(n->data.scalar.value, n->data.scalar.length);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    return rc;
}

int nt_kubeconfig_check(const char *text, size_t len, const char **why)
{
    if (!text || len == 0) {
        *why = "is empty";
        return -1;
    }
    if (!looks_base64(text, len))
        return check_yaml((const unsigned char *)text, len, why);
    unsigned char *raw = nt_xmalloc(len / 4 * 3 + 1);
    int n = EVP_DecodeBlock(raw, (const unsigned char *)text, (int)len);
    int rc;
    if (n < 0) {
        *why = "looks like base64 but does not decode";
        rc = -1;
    } else {
        size_t pad = (len >= 1 && text[len - 1] == '=') + (len >= 2 && text[len - 2] == '=');
        rc = check_yaml(raw, (size_t)n - pad, why);
        if (rc < 0 && strcmp(*why, "is not valid YAML") == 0)
            *why = "is base64 of text that is not valid YAML";
    }
    nt_wipe(raw, len / 4 * 3 + 1);
    free(raw);
    return rc;
}
