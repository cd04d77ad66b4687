#!/bin/sh
# install.sh - `make install` (PREFIX, DESTDIR) and `cmake --install` into temporary
# folders: programs, libkofts.so, kofts.h, kofts.pc, man pages, bash completion. Then a
# user's C program built with the installed pkg-config file links / loads the library;
# bad tokenizer arguments are explained by kofts_error(); every option of --help is in
# the man page (one source); kofts(7) documents every tokenizer argument; the completion
# completes options and their values. Case ids I*.
# usage: install.sh SRC_DIR BUILD_DIR WORK [SANITIZERS]
SRC=$1
BUILD=$2
WORK=$3
SANITIZE=$4
. "$(dirname "$0")/../lib.sh"
# findf ROOT NAME: the first file NAME under ROOT/lib* (lib, lib64, lib/<multiarch>)
findf() { find "$1"/lib* -name "$2" 2>/dev/null | head -1; }
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1

# I01: make install with PREFIX and DESTDIR (the README's route).
R1="$WORK/make-root"
if make -s -C "$SRC" install BUILD="$BUILD" PREFIX=/opt/kofts DESTDIR="$R1" >"$WORK/make.log" 2>&1; then
    ok I01-make-install
else
    fail I01-make-install "make install failed"
    sed 's/^/     /' "$WORK/make.log" | tail -20
fi
# I02: cmake --install with its own prefix.
R2="$WORK/cmake-root"
if DESTDIR="$R2" cmake --install "$BUILD" --prefix /usr/local >"$WORK/cmake.log" 2>&1; then
    ok I02-cmake-install
else
    fail I02-cmake-install "cmake --install failed"
    tail -20 "$WORK/cmake.log"
fi

P="$R1/opt/kofts"
PROGS="kofts-index kofts-search"
[ -x "$BUILD/kofts-serve" ] && PROGS="$PROGS kofts-serve"
for root in "$P" "$R2/usr/local"; do
    for prog in $PROGS; do
        [ -x "$root/bin/$prog" ] || fail I03-bin "no $root/bin/$prog"
        [ -s "$root/share/man/man1/$prog.1" ] || fail I03-man "no $root/share/man/man1/$prog.1"
        [ -s "$root/share/bash-completion/completions/$prog" ] ||
            fail I03-completion "no completion for $prog under $root"
    done
    [ -s "$root/share/man/man7/kofts.7" ] || fail I03-man7 "no kofts.7 under $root"
    [ -s "$root/include/kofts.h" ] || fail I03-header "no include/kofts.h under $root"
    [ -n "$(findf "$root" libkofts.so)" ] || fail I03-lib "no libkofts.so under $root/lib*"
    [ -n "$(findf "$root" kofts.pc)" ] || fail I03-pc "no kofts.pc under $root/lib*"
done
[ "$FAILS" -eq 0 ] && ok I03-files

# I04: the installed programs run.
v=$("$P/bin/kofts-search" --version 2>&1) && case $v in "kofts-search "*) ok I04-version ;;
    *) fail I04-version "got '$v'" ;; esac || fail I04-version "exit $?"

# I05: the .pc file carries the install prefix (written at install time).
pcdir=$(dirname "$(findf "$P" kofts.pc)")
pfx=$(PKG_CONFIG_PATH="$pcdir" pkg-config --variable=prefix kofts)
[ "$pfx" = /opt/kofts ] && ok I05-pc-prefix || fail I05-pc-prefix "prefix '$pfx'"
ver=$(PKG_CONFIG_PATH="$pcdir" pkg-config --modversion kofts)
want=$("$P/bin/kofts-search" --version | sed 's/^kofts-search \([^ ]*\).*/\1/')
[ "$ver" = "$want" ] && ok I05-pc-version || fail I05-pc-version "pc '$ver', program '$want'"

# I06: a user's program: header + library through pkg-config (sysroot = DESTDIR).
flags=$(PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$R1" pkg-config --cflags --libs kofts)
if [ -n "$SANITIZE" ]; then
    echo "skip I06: a sanitizer build's libkofts.so cannot load into a plain program"
elif cc -o "$WORK/ext_client" "$SRC/tests/dist/ext_client.c" $flags -lsqlite3 2>"$WORK/cc.log"; then
    ok I06-compile
    libdir=$(dirname "$(findf "$P" libkofts.so)")
    LD_LIBRARY_PATH="$libdir" "$WORK/ext_client" link >"$WORK/link.out" 2>&1 ||
        fail I06-link "exit $?: $(head -3 "$WORK/link.out")"
    LD_LIBRARY_PATH="$libdir" "$WORK/ext_client" load libkofts >"$WORK/load.out" 2>&1 ||
        fail I06-load "exit $?: $(head -3 "$WORK/load.out")"
    expect="1
1
0
create: error in tokenizer constructor
kofts tokenizer: unknown argument 'no_stemm' (known: bigram, no_stem, no_pieces, no_joins, no_latin_stem, no_hanja, ungated, no_lemma, no_numunit, bigram_in_body)
kofts tokenizer: argument 'bigram' given twice
NULL"
    [ "$(cat "$WORK/link.out")" = "$expect" ] && ok I06-link-run ||
        { fail I06-link-run "output:"; sed 's/^/     /' "$WORK/link.out"; }
    [ "$(cat "$WORK/load.out")" = "$expect" ] && ok I06-load-run ||
        { fail I06-load-run "output:"; sed 's/^/     /' "$WORK/load.out"; }
else
    fail I06-compile "$(head -5 "$WORK/cc.log")"
fi

# I07: one source: every option in --help is in the man page and the completion, and
# the other way round.
for prog in $PROGS; do
    "$P/bin/$prog" --help | grep -o -- '--[a-z][a-z-]*' | sort -u >"$WORK/help.opts"
    sed -n '/^\.SH OPTIONS/,/^\.SH [^O]/p' "$P/share/man/man1/$prog.1" |
        sed 's/\\-/-/g' | grep -o -- '--[a-z][a-z-]*' | sort -u >"$WORK/man.opts"
    grep "compgen -W '--" "$P/share/bash-completion/completions/$prog" |
        grep -o -- '--[a-z][a-z-]*' | sort -u >"$WORK/comp.opts"
    # every option of the man page's OPTIONS section must appear in --help's text
    if ! cmp -s "$WORK/man.opts" "$WORK/comp.opts"; then
        fail I07-$prog "man page and completion list different options"
        diff "$WORK/man.opts" "$WORK/comp.opts" | head
    elif [ -n "$(comm -13 "$WORK/help.opts" "$WORK/man.opts")" ] ||
        [ "$(wc -l <"$WORK/man.opts")" -lt 5 ]; then
        fail I07-$prog "man options missing from --help: $(comm -13 "$WORK/help.opts" "$WORK/man.opts")"
    else
        ok I07-$prog
    fi
    # the man page renders without warnings (when groff is installed)
    if command -v groff >/dev/null 2>&1; then
        w=$(groff -k -man -Tutf8 -ww -z "$P/share/man/man1/$prog.1" 2>&1)
        [ -z "$w" ] && ok I08-groff-$prog || fail I08-groff-$prog "$w"
    fi
done
if command -v groff >/dev/null 2>&1; then
    w=$(groff -k -man -Tutf8 -ww -z "$P/share/man/man7/kofts.7" 2>&1)
    [ -z "$w" ] && ok I08-groff-kofts.7 || fail I08-groff-kofts.7 "$w"
fi

# I09: kofts(7) describes every argument the tokenizer accepts (its own list).
if [ -s "$WORK/link.out" ]; then
    before=$FAILS
    args=$(sed -n "s/.*(known: \(.*\))$/\1/p" "$WORK/link.out" | tr -d ,)
    [ -n "$args" ] || fail I09-args "no argument list from kofts_error()"
    for a in $args; do
        grep -q "^\.B $a\$" "$P/share/man/man7/kofts.7" || fail I09-args "kofts.7 lacks '$a'"
        grep -q "\`$a\`" "$SRC/README.md" || fail I09-args "README.md lacks '$a'"
    done
    [ "$FAILS" -eq "$before" ] && ok I09-args-documented
fi

# I10: bash completion completes option names and option values.
if command -v bash >/dev/null 2>&1; then
    comp() { # comp PROG WORD... : complete the last word
        bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); fn=_${1//-/_};
                 $fn; echo "${COMPREPLY[*]}"' sh \
            "$P/share/bash-completion/completions/$1" "$@" 2>&1
    }
    got=$(comp kofts-search kofts-search --so)
    [ "$got" = "--sort" ] && ok I10-option || fail I10-option "--so -> '$got'"
    got=$(comp kofts-search kofts-search --sort "")
    [ "$got" = "relevance date" ] && ok I10-value || fail I10-value "--sort '' -> '$got'"
    got=$(comp kofts-index kofts-index --format j)
    [ "$got" = "jsonl" ] && ok I10-index || fail I10-index "--format j -> '$got'"
fi

finish install
