#include "cmd/nautes/commands.h"
#include "cmd/nautes/version.h"

#include <curl/curl.h>
#include <git2.h>
#include <stdio.h>
#include <yaml.h>

int cmd_version(int argc, char **argv)
{
    static const nt_option opts[] = {OPT_END};
    static const nt_cmd_spec spec = {"version", "Print the version of nautes and of its libraries.",
                                     opts,      0,
                                     0,         "version takes no arguments",
                                     false};
    nt_strlist pos = {0};
    int args = nt_cmd_args(&spec, argc, argv, &pos);
    nt_strlist_free(&pos);
    if (args)
        return args > 0 ? NT_EXIT_OK : NT_EXIT_ERROR;
    int maj, min, rev;
    git_libgit2_version(&maj, &min, &rev);
    const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
    printf("nautes %s (libyaml %s, libcurl %s, libgit2 %d.%d.%d)\n", NAUTES_VERSION,
           yaml_get_version_string(), cv->version, maj, min, rev);
    return NT_EXIT_OK;
}
