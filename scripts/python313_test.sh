#!/usr/bin/env bash
# Run the course's `make test` under Debian 13's Python 3.13 on a Debian 12 machine.
#
# Usage: sudo scripts/python313_test.sh [git-ref]      (default: HEAD of this repository)
#        sudo PYTEST_ARGS="tests/test_project.py" scripts/python313_test.sh   (a part of the suite)
#
# Debian 12 has no python3.13 and Debian 13's needs a newer C library, so the script builds a
# Debian 13 (trixie) root with debootstrap once (TRIXIE_ROOT, default /opt/trixie; about 1 GB
# with Chromium for the browser tests), clones the repository at the given ref into it, and runs
# `PYTHON=python3.13 make test` there in a chroot. The system's own Python is not touched.
# pip inside the root uses this machine's pip configuration, package folders and cache.
# Environment: TRIXIE_ROOT, MIRROR (Debian mirror), CI (passed on: CI=true makes browser tests run),
# PYTEST_ARGS (instead of `make test`: `make setup`, then pytest on these paths, offline, one process),
# KEEP_VENV=1 (reuse the previous run's .venv; make's install step then only adds what changed),
# PYTEST_ADDOPTS (passed on to pytest, e.g. "--durations=0 -v" for every test's time and name).
# Documented in docs/python313.md. Not part of `make test`.
set -euo pipefail

ref=${1:-HEAD}
root=${TRIXIE_ROOT:-/opt/trixie}
mirror=${MIRROR:-http://deb.debian.org/debian}
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
packages="python3.13 python3.13-venv make git ca-certificates chromium fonts-dejavu-core"

if [ "$(id -u)" != 0 ]; then
    echo "python313_test.sh needs root (debootstrap and chroot): run it with sudo." >&2
    exit 2
fi
if [ ! -e "$root/etc/debian_version" ]; then
    command -v debootstrap >/dev/null || { echo "Install debootstrap first: apt-get install debootstrap" >&2; exit 2; }
    debootstrap --variant=minbase trixie "$root" "$mirror"
fi
if [ ! -x "$root/usr/bin/chromium" ]; then
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    chroot "$root" apt-get install -y -q --no-install-recommends $packages
fi
chroot "$root" python3.13 --version

mounts=()
bind() {  # bind-mount $1 at the same path inside the root when it exists here
    [ -e "$1" ] || return 0
    mkdir -p "$root$1"
    mount --bind "$1" "$root$1"
    mounts=("$root$1" "${mounts[@]}")
}
inside() {  # ids of the processes still running in the root (a stopped run's kernels, browsers)
    local p
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && echo "${p#/proc/}"
    done
    return 0
}
cleanup() {
    local pids
    pids=$(inside)
    if [ -n "$pids" ]; then
        echo "python313_test.sh: stopping the processes left in $root:" $pids >&2
        kill $pids 2>/dev/null || true; sleep 5; pids=$(inside)
    fi
    if [ -n "$pids" ]; then kill -9 $pids 2>/dev/null || true; sleep 1; fi
    for m in "${mounts[@]}"; do umount "$m" || umount -l "$m" || true; done
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP
mount -t proc proc "$root/proc"; mounts=("$root/proc")
bind /dev; bind /dev/pts; bind /dev/shm; bind /sys
# pip's configuration, local package folders and cache, so the install is what pip does here.
for path in /etc/pip.conf /root/.config/pip /opt/wheels /opt/pypi /opt/pypi-more /root/.cache/pip; do
    if [ -f "$path" ]; then cp "$path" "$root$path"; else bind "$path"; fi
done
cp /etc/resolv.conf "$root/etc/resolv.conf"
# This machine's certificate authorities (a proxy's included), for pip inside the root.
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/host-ca-certificates.crt"

work=/root/tl313
if [ "${KEEP_VENV:-0}" = 1 ] && [ -d "$root$work/.venv" ]; then mv "$root$work/.venv" "$root/root/tl313-venv"; fi
rm -rf "$root$work"
git clone --quiet "$repo" "$root$work"
git -C "$root$work" checkout --quiet "$ref"
if [ -d "$root/root/tl313-venv" ]; then mv "$root/root/tl313-venv" "$root$work/.venv"; fi
echo "Commit $(git -C "$root$work" rev-parse --short HEAD); load $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s)
status=0
chroot "$root" env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 CI="${CI:-}" \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180 PIP_CERT=/etc/ssl/host-ca-certificates.crt \
    PYTEST_ARGS="${PYTEST_ARGS:-}" PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-}" bash -c 'cd '"$work"' &&
        start=$(date +%s) && PYTHON=python3.13 make setup && .venv/bin/python --version &&
        echo "python313_test.sh: install (make setup) took $(( $(date +%s) - start )) s; load $(cut -d" " -f1-3 /proc/loadavg)" &&
        if [ -z "$PYTEST_ARGS" ]; then PYTHON=python3.13 make test;
        else cache=$(mktemp -d) &&
        TLUTILS_PROFILE=offline TLUTILS_CACHE=$cache OPENBLAS_NUM_THREADS=1 .venv/bin/python -m pytest -n0 $PYTEST_ARGS; fi' || status=$?
echo "python313_test.sh: make test exited $status after $(( $(date +%s) - start )) s (install included); load $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
