#include "cmd/nautes/commands.h"
#include "cmd/nautes/version.h"

#include <curl/curl.h>
#include <git2.h>
#include <stdio.h>
#include <yaml.h>

int cmd_version(int argc, char **argv)
{
    static const nt_option opts[] = {OPT_END};
    nt_strlist pos = {0};
    bool help = false;
    nt_buf err = NT_BUF_INIT;
    int rc = opt_parse(opts, argc, argv, &pos, &help, &err);
    if (rc == 0 && help) {
        opt_usage(stdout, "version", "Print the version of nautes and of its libraries.", opts);
    } else if (rc < 0 || pos.n) {
        rc = nt_usage_error("version", rc < 0 ? nt_buf_str(&err) : "version takes no arguments");
    } else {
        int maj, min, rev;
        git_libgit2_version(&maj, &min, &rev);
        const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
        printf("nautes %s (libyaml %s, libcurl %s, libgit2 %d.%d.%d)\n", NAUTES_VERSION,
               yaml_get_version_string(), cv->version, maj, min, rev);
    }
    nt_strlist_free(&pos);
    nt_buf_free(&err);
    return rc < 0 ? NT_EXIT_ERROR : rc;
}
