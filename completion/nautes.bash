# bash completion for nautes(1).                                    -*- shell-script -*-
#
# Installed by `make install` as share/bash-completion/completions/nautes; to try it from a
# checkout: `source completion/nautes.bash`.
#
# Completes commands, the flags of each command, files, the values of --state and
# --api-version, and cluster names for --target and --force-update, read from the YAML files
# already on the command line. The flags come from the command's own --help (the same
# declaration its parser reads), so they cannot drift from the binary; a fixed list is the
# fallback when the binary cannot be run.

# Cluster names declared in the given files (directories: their *.yaml / *.yml): the native
# format's list entries (`- name: X`, or `name:` at the entry's key column) and the Go CLI's
# `spec: name: X`. Component names (`name:` deeper inside an entry) are not cluster names.
_nautes_cluster_names()
{
    local f files=()
    for f in "$@"; do
        if [[ -d $f ]]; then
            files+=("$f"/*.yaml "$f"/*.yml)
        elif [[ -f $f ]]; then
            files+=("$f")
        fi
    done
    [[ ${#files[@]} -gt 0 ]] || return 0
    awk '
        FNR == 1 { keycol = -1; top = "" }
        {
            line = $0
            sub(/[ \t]+#.*$/, "", line)
            if (line ~ /^[ \t]*#/ || line ~ /^[ \t]*$/) next
            if (line ~ /^---/) { keycol = -1; top = ""; next }
            match(line, /^ */); ind = RLENGTH
            rest = substr(line, ind + 1)
            if (ind == 0 && rest !~ /^-/) { top = rest; sub(/:.*/, "", top) }
            if (match(rest, /^-[ ]+/)) {          # a list item: its keys start here
                keycol = ind + RLENGTH
                rest = substr(rest, RLENGTH + 1)
                ind = keycol
            } else if (ind < keycol) {
                keycol = -1
            }
            if (rest !~ /^name:[ ]*[^ ]/) next
            if (ind == keycol || (ind == 2 && (top == "spec" || top == "metadata"))) {
                v = rest
                sub(/^name:[ ]*/, "", v)
                gsub(/["'\'']/, "", v)
                sub(/[ ]+$/, "", v)
                print v
            }
        }' "${files[@]}" 2>/dev/null | sort -u
}

# The flags of a command, from its --help ("  --flag ARG   help" lines).
_nautes_flags()
{
    local bin=$1 cmd=$2 out
    out=$("$bin" help "$cmd" 2>/dev/null | sed -n 's/^  \(--[a-z0-9-]*\).*/\1/p')
    if [[ -n $out ]]; then
        printf '%s\n' "$out" --help
        return
    fi
    local common="--api-server --token-file --cacert --insecure --state --timeout --no-color
                  --verbose --insecure-skip-check"
    case $cmd in
    validate) echo "--api-version --json --codequality --no-color" ;;
    plan) echo "--out --json --markdown --detailed-exitcode --prune --target --force-update --destroy --junit --gitlab-report $common" ;;
    apply) echo "--auto-approve --parallelism --start-interval --retries --wait-prune --json --junit --prune --target
                 --force-update --destroy $common" ;;
    destroy) echo "--auto-approve --parallelism --start-interval --retries --wait-prune --json --junit --prune --target
                 $common" ;;
    show) echo "--json --markdown --no-color --verbose" ;;
    graph) echo "--format --no-color" ;;
    import) echo "--out --force --name $common" ;;
    esac
    echo --help
}

_nautes()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev= bin=${COMP_WORDS[0]}
    local commands="validate plan apply destroy show graph import version help"
    COMPREPLY=()
    [[ $COMP_CWORD -gt 0 ]] && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # --flag=value: bash splits at '=' (COMP_WORDBREAKS)
    if [[ $cur == = ]]; then
        cur=
    fi
    if [[ $prev == = && $COMP_CWORD -gt 1 ]]; then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi
    [[ $bin == */* || -z $bin ]] || bin=$(type -P "$bin" 2>/dev/null || echo "$bin")

    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return 0
    fi
    local cmd=${COMP_WORDS[1]}
    case $cmd in
    help)
        [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return 0
        ;;
    version) return 0 ;;
    esac

    case $prev in
    --target | --force-update)
        # the files (and directories) given so far, skipping flags and their values
        local i w files=() skip=
        for ((i = 2; i < COMP_CWORD; i++)); do
            w=${COMP_WORDS[i]}
            if [[ -n $skip ]]; then
                skip=
                continue
            fi
            case $w in
            --*=* | --json | --prune | --detailed-exitcode | --auto-approve | --insecure | \
                --no-color | --verbose | --insecure-skip-check | --force | --help) ;;
            --*) [[ ${COMP_WORDS[i + 1]} == = ]] && ((i++)); skip=1 ;;
            =) ;;
            *) files+=("$w") ;;
            esac
        done
        COMPREPLY=($(compgen -W "$(_nautes_cluster_names "${files[@]}")" -- "$cur"))
        return 0
        ;;
    --token-file | --cacert | --out | --junit | --gitlab-report | --codequality)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return 0
        ;;
    --json)
        # apply/destroy --json FILE; elsewhere --json takes no value
        if [[ $cmd == apply || $cmd == destroy ]]; then
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0
        fi
        ;;
    --format)
        COMPREPLY=($(compgen -W "dot mermaid" -- "$cur"))
        return 0
        ;;
    --state)
        if [[ $cur == git:* ]]; then
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -d -P git: -- "${cur#git:}"))
        else
            compopt -o nospace 2>/dev/null
            COMPREPLY=($(compgen -W "api git:" -- "$cur"))
            [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == api ]] && compopt +o nospace 2>/dev/null
        fi
        return 0
        ;;
    --api-version)
        COMPREPLY=($(compgen -W "v0.3 v0.4" -- "$cur"))
        return 0
        ;;
    --api-server | --timeout | --parallelism | --start-interval | --retries | --wait-prune | --name)
        return 0
        ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_nautes_flags "$bin" "$cmd")" -- "$cur"))
        return 0
    fi
    case $cmd in
    import) ;;
    show) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    apply)
        # a saved plan or desired-state files
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        ;;
    *)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.y*ml' -- "$cur"))
        ;;
    esac
    return 0
}
complete -F _nautes nautes
