# tests/lib.sh - what the shell tests share: a scratch folder that goes away when the
# script ends, one format for results ("ok   ID" / "FAIL ID: why", counted in FAILS),
# skips and the exit status. POSIX sh (ctest runs the scripts with `sh`).
#
# A script sources it first and ends with `finish NAME`:
#
#     . "$(dirname "$0")/../lib.sh"
#     scratch mytest                 # $T = a new folder, removed on exit
#     same C01-answer "$(cmd)" "42"  # ok or FAIL, counted
#     finish mytest                  # "mytest: all passed" (exit 0) or "N failure(s)" (exit 1)
#
# A script that starts servers sets CLEANUP to a command run before the folder is
# removed (it must not fail the script: end it with `|| true` where needed).

FAILS=0
CLEANUP=

# scratch NAME: create ${TMPDIR:-/tmp}/kofts-NAME.XXXXXX as $T; it is removed (after
# $CLEANUP runs) when the script exits, also on Ctrl-C or TERM.
scratch() {
    T=$(mktemp -d "${TMPDIR:-/tmp}/kofts-$1.XXXXXX") || {
        echo "FAIL setup: cannot create a scratch folder in ${TMPDIR:-/tmp}"
        exit 1
    }
    trap 'lib_cleanup' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

lib_cleanup() {
    [ -n "$CLEANUP" ] && eval "$CLEANUP"
    rm -rf "$T"
}

ok() { echo "ok   $1"; }

# fail ID WHY
fail() {
    echo "FAIL $1: $2"
    FAILS=$((FAILS + 1))
}

# check ID STATUS WHY: ok when STATUS is 0 (e.g. `[ ... ]; echo $?`), else FAIL ID: WHY.
check() { if [ "$2" -eq 0 ]; then ok "$1"; else fail "$1" "$3"; fi; }

# same ID GOT WANT (multi-line values are shown line by line)
same() {
    if [ "$2" = "$3" ]; then
        ok "$1"
        return
    fi
    case "$2$3" in
    *"
"*)
        fail "$1" "got:"
        printf '%s\n' "$2" | sed 's/^/  | /'
        echo "  want:"
        printf '%s\n' "$3" | sed 's/^/  | /'
        ;;
    *) fail "$1" "got '$2', expected '$3'" ;;
    esac
}

# has ID TEXT PART / lacks ID TEXT PART: PART is (is not) a substring of TEXT.
has() {
    case $2 in
    *"$3"*) ok "$1" ;;
    *) fail "$1" "no '$3' in '$2'" ;;
    esac
}
lacks() {
    case $2 in
    *"$3"*) fail "$1" "unexpected '$3' in '$2'" ;;
    *) ok "$1" ;;
    esac
}

# skip WHY: exit 77, which the CMake rules declare as SKIP_RETURN_CODE.
skip() {
    echo "skip: $*"
    exit 77
}

# finish NAME: the exit status of the script.
finish() {
    if [ "$FAILS" -eq 0 ]; then
        echo "$1: all passed"
        exit 0
    fi
    echo "$1: $FAILS failure(s)"
    exit 1
}
