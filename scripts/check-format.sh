#!/bin/sh
# check-format.sh: every tracked C/C++ file must be as clang-format (.clang-format, the
# Debian 12 clang-format 14) writes it. Lists the files that are not; exit 1 if any.
# Fix with: git ls-files '*.c' '*.h' '*.cc' | xargs clang-format -i
set -eu
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null 2>&1 || { echo "check-format: clang-format not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
bad=0
for f in $(git ls-files '*.c' '*.h' '*.cc'); do
    if ! clang-format "$f" | cmp -s - "$f"; then
        echo "check-format: $f: differs from clang-format's output" >&2
        bad=1
    fi
done
[ "$bad" -eq 0 ] && echo "check-format: $(git ls-files '*.c' '*.h' '*.cc' | wc -l) files formatted"
exit "$bad"
