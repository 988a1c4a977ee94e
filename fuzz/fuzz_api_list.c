/* fuzz_api_list.c — what a server (or a proxy in front of it) answers: the ListClusters body
 * (nt_api_list_parse) and an error body (nt_api_error_parse), on the same bytes. */
#include "core/observe/api_json.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nt_cluster_set *set = NULL;
    nt_diag diag = NT_DIAG_INIT;
    nt_api_list_parse((const char *)data, size, &set, &diag);
    nt_cluster_set_free(set);
    nt_diag_free(&diag);

    long code = 0;
    char *reason = NULL, *message = NULL;
    nt_api_error_parse((const char *)data, size, &code, &reason, &message);
    free(reason);
    free(message);
    return 0;
}
