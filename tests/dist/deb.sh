#!/bin/sh
# deb.sh - `cpack -G DEB` builds a .deb from the install rules; its contents and Depends
# are checked. On a CI machine (root and KOFTS_TEST_DPKG=1, as .ci/run sets) it is then
# installed with dpkg -i, /usr/bin/kofts-search --version must run, `man -w` must find
# the pages, libkofts loads by name, and the package is removed again. Case ids D*.
# usage: deb.sh BUILD_DIR WORK
BUILD=$1
WORK=$2
. "$(dirname "$0")/../lib.sh"
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
command -v dpkg-deb >/dev/null 2>&1 || skip "dpkg-deb not installed"

# D01: the package builds.
if cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$WORK" >"$WORK/cpack.log" 2>&1; then
    ok D01-cpack
else
    echo "FAIL D01-cpack"; tail -30 "$WORK/cpack.log"; exit 1
fi
deb=$(ls "$WORK"/kofts_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "FAIL D01-cpack: no kofts_*.deb in $WORK"; exit 1; }

# D02: contents and metadata.
dpkg-deb -c "$deb" | awk '{print $NF}' >"$WORK/contents"
for f in ./usr/bin/kofts-index ./usr/bin/kofts-search ./usr/include/kofts.h \
    ./usr/share/man/man1/kofts-search.1 ./usr/share/man/man1/kofts-index.1 \
    ./usr/share/man/man7/kofts.7 ./usr/share/bash-completion/completions/kofts-search; do
    grep -qx -- "$f" "$WORK/contents" || fail D02-contents "no $f in the package"
done
grep -q '^\./usr/lib/.*libkofts\.so$' "$WORK/contents" || fail D02-contents "no libkofts.so"
grep -q '^\./usr/lib/.*pkgconfig/kofts\.pc$' "$WORK/contents" || fail D02-contents "no kofts.pc"
deps=$(dpkg-deb -f "$deb" Depends)
for d in libsqlite3 libicu libc6; do
    case $deps in *"$d"*) ;; *) fail D02-depends "Depends lacks $d: '$deps'" ;; esac
done
[ "$FAILS" -eq 0 ] && ok D02-contents-depends

if [ "$(id -u)" -ne 0 ] || [ "${KOFTS_TEST_DPKG:-0}" != 1 ]; then
    [ "$FAILS" -eq 0 ] || exit 1
    echo "built and checked $deb; dpkg -i runs only as root with KOFTS_TEST_DPKG=1 (CI): skipping"
    exit 77
fi

# D03: dpkg -i, then the installed program runs from /usr/bin.
if dpkg -i "$deb" >"$WORK/dpkg.log" 2>&1; then
    ok D03-dpkg-install
    v=$(/usr/bin/kofts-search --version 2>&1)
    case $v in "kofts-search "*) ok D04-version ;; *) fail D04-version "got '$v'" ;; esac
    /usr/bin/kofts-index --version >/dev/null 2>&1 || fail D04-index "kofts-index --version"
    # (minimal images may exclude /usr/share/man from dpkg: then there is nothing to find)
    if command -v man >/dev/null 2>&1 &&
        ! grep -qs 'path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg.d/*; then
        man -w kofts-search >/dev/null 2>&1 && ok D05-man || fail D05-man "man -w kofts-search"
    fi
    if command -v sqlite3 >/dev/null 2>&1; then
        n=$(printf ".load libkofts\nCREATE VIRTUAL TABLE t USING fts5(b, tokenize='kofts');\nINSERT INTO t VALUES('광주와 서울');\nSELECT count(*) FROM t WHERE t MATCH '광주';\n" |
            sqlite3 :memory: 2>&1)
        [ "$n" = 1 ] && ok D06-load-by-name || fail D06-load-by-name "got '$n'"
    fi
    dpkg -r kofts >>"$WORK/dpkg.log" 2>&1 || fail D07-remove "dpkg -r kofts"
    [ ! -e /usr/bin/kofts-search ] && ok D07-remove || fail D07-remove "/usr/bin/kofts-search left"
else
    fail D03-dpkg-install "$(tail -5 "$WORK/dpkg.log")"
fi
finish deb
