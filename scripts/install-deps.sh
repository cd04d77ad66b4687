#!/bin/sh
# install-deps.sh: the one list of Debian 12 packages kofts needs to build, test,
# demo and bench. Quiet when everything is present; installs what is missing
# with apt-get (run as root, or with sudo available).
set -eu

PKGS="build-essential cmake pkg-config
libsqlite3-dev sqlite3 libicu-dev libstemmer-dev
libyaml-dev libmd4c-dev libmd4c-html0-dev libgumbo-dev libcjson-dev zlib1g-dev libzstd-dev
unicode-data hunspell-ko bzip2 file groff-base
gnuplot-nox clang clang-format libclang-rt-14-dev
libxapian-dev xapian-tools libhunspell-dev libmicrohttpd-dev
chromium wrk nodejs fonts-nanum"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
