#!/usr/bin/env bash
# tests/fresh-debian.sh (make fresh-check): README's two commands on a fresh machine.
#
# Builds a minimal Debian 12 root (debootstrap --variant=minbase bookworm) from the Debian
# mirror this machine's apt uses, copies a clean clone of the current commit into it (only
# committed files), installs `make` and nothing else, and runs, exactly as README gives them:
#
#     make demo
#     make test        (with CI=true, as CI runs it)
#
# Between the two, while the root has no ca-certificates package yet (the tests install it),
# one https request without --cacert must fail with the words for a missing system CA bundle,
# for the API and for git.
#
# Fails when any step fails. Everything it made (mounts, the root) is removed at the end, on
# failure and on Ctrl-C too; nothing is cached between runs. Needs root (debootstrap, chroot,
# mount); installs debootstrap with apt-get when missing.
#
#   FRESH_MIRROR=http://...  the Debian mirror (default: the first bookworm URI of this
#                            machine's apt sources, else http://deb.debian.org/debian)
#   FRESH_KEEP_LOG=FILE      also keep the root's whole output in FILE
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
START=$(date +%s)
say() { printf 'fresh-debian: %s\n' "$*"; }
elapsed() { local s=$(($(date +%s) - START)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }
die() {
    say "FAILED: $* (after $(elapsed))" >&2
    exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot and mount)"
COMMIT=$(git -C "$SRC" rev-parse HEAD) || die "$SRC is not a git checkout"
[ -z "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] ||
    say "note: uncommitted changes in $SRC are not tested (only commit ${COMMIT:0:12})"

if [ -z "${FRESH_MIRROR:-}" ]; then
    FRESH_MIRROR=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
        awk '/^URIs:/ { for (i = 2; i <= NF; i++) u = u ? u : $i } END { print u }')
    FRESH_MIRROR=${FRESH_MIRROR:-$(awk '$1 == "deb" && $3 ~ /^bookworm/ { print $2; exit }' \
        /etc/apt/sources.list 2>/dev/null || true)}
    FRESH_MIRROR=${FRESH_MIRROR:-http://deb.debian.org/debian}
fi

if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends debootstrap; } >/dev/null || die "apt-get install debootstrap"
fi

WORK=$(mktemp -d /var/tmp/nautes-fresh.XXXXXX)
R=$WORK/root
LOG=$WORK/root.log

# Processes still running inside the root (a Ctrl-C can leave a server behind).
root_pids() {
    local p
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$R" ] && echo "${p#/proc/}"
    done
    return 0
}

# Everything mounted below the work directory (ours, and debootstrap's own if it was
# stopped half way), deepest first.
mounted() {
    awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/self/mounts | sort -r
}

cleanup() {
    local rc=$? m pids
    trap - EXIT INT TERM
    pids=$(root_pids)
    if [ -n "$pids" ]; then
        kill $pids 2>/dev/null || true
        sleep 1
        pids=$(root_pids)
        [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
    fi
    for m in $(mounted); do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "cannot unmount $m" >&2
    done
    # never remove while anything is still mounted below the work directory
    if [ -n "$(mounted)" ]; then
        say "left $WORK in place: something is still mounted below it" >&2
        rc=1
    else
        rm -rf --one-file-system "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted" >&2; exit 130' INT
trap 'say "terminated" >&2; exit 143' TERM

# ---- the root -------------------------------------------------------------------------------
say "debootstrap --variant=minbase bookworm from $FRESH_MIRROR"
# (every long step runs in the background: a signal reaches the traps at once, not when the
# step ends)
debootstrap --variant=minbase bookworm "$R" "$FRESH_MIRROR" >"$WORK/debootstrap.log" 2>&1 &
wait $! || {
    tail -20 "$WORK/debootstrap.log" >&2
    die "debootstrap"
}
# apt inside the root reaches the packages the way this machine's apt does: the same
# sources (with the updates and security suites) and the same Acquire settings (proxy,
# snapshot dates), and the same name resolution
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    cp /etc/apt/sources.list.d/debian.sources "$R/etc/apt/sources.list.d/"
    rm -f "$R/etc/apt/sources.list"
fi
for f in /etc/apt/apt.conf.d/*; do
    [ -f "$f" ] && grep -q '^Acquire::' "$f" && cp "$f" "$R/etc/apt/apt.conf.d/"
done
cp -L /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
cp /etc/hosts "$R/etc/hosts"

mount -t proc proc "$R/proc" || die "mount proc"
mount --bind /dev "$R/dev" || die "mount --bind /dev"
mount --bind /dev/pts "$R/dev/pts" || die "mount --bind /dev/pts"
mount -t sysfs -o ro sysfs "$R/sys" 2>/dev/null || true

# ---- a clean clone of the commit ------------------------------------------------------------
git clone -q --no-hardlinks "$SRC" "$R/root/nautes" || die "git clone"
git -C "$R/root/nautes" checkout -q --detach "$COMMIT" || die "git checkout $COMMIT"
say "commit $(git -C "$R/root/nautes" log -1 --format='%h %s')"

# Run a command in the root as a fresh login would: root, no stdin, a plain environment.
in_root() {
    env -i HOME=/root LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        ${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} \
        ${no_proxy:+no_proxy=$no_proxy} \
        chroot "$R" /bin/bash -c "cd /root/nautes && $1" </dev/null
}

# Run step NAME COMMAND in the root, its output into the log; on failure show its end.
step() {
    local name=$1 t0 rc=0
    t0=$(date +%s)
    printf '\n==== %s\n' "$2" >>"$LOG"
    in_root "$2" >>"$WORK/step.log" 2>&1 &
    wait $! || rc=$?
    cat "$WORK/step.log" >>"$LOG"
    say "$name: exit $rc in $(($(date +%s) - t0)) s"
    if [ "$rc" != 0 ]; then
        tail -150 "$WORK/step.log" | sed 's/^/  | /' >&2
        die "$name"
    fi
}

: >"$LOG"
: >"$WORK/step.log"
step "apt-get install make" \
    "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make >/dev/null"
[ -e "$R/usr/bin/gcc" ] && die "the fresh root has a compiler before make demo"

: >"$WORK/step.log"
step "make demo" "make demo"
say "the demo's last lines:"
tail -6 "$WORK/step.log" | sed 's/^/  | /'

# ---- https without --cacert and no system CA bundle ----------------------------------------
[ -e "$R/etc/ssl/certs/ca-certificates.crt" ] &&
    die "ca-certificates is installed after make demo: the missing-bundle check cannot run"
CA_MSG="cannot read the system CA certificates /etc/ssl/certs/ca-certificates.crt (No such file or directory): install the ca-certificates package, or pass --cacert FILE"
for how in "--api-server https://127.0.0.1:9" "--state git:https://127.0.0.1:9/tenant.git"; do
    out=$(in_root "NAUTES_TOKEN=x build/nautes plan examples/host-and-virtual-deployment.yaml $how 2>&1; echo \"exit \$?\"")
    case "$out" in
    *"$CA_MSG"*"exit 1") say "no CA bundle, plan $how: $(head -1 <<<"$out")" ;;
    *) die "no CA bundle, plan $how said: $out" ;;
    esac
done

: >"$WORK/step.log"
step "CI=true make test" "CI=true make test"
say "the tests' last lines:"
tail -14 "$WORK/step.log" | sed 's/^/  | /'
tail -1 "$WORK/step.log" | grep -q ' passed, 0 failed$' || die "make test did not end with 0 failed"

[ -z "${FRESH_KEEP_LOG:-}" ] || cp "$LOG" "$FRESH_KEEP_LOG"
say "OK: make demo and make test pass in a fresh Debian 12 root ($(elapsed))"
