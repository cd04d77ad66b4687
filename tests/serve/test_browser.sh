#!/bin/sh
# test_browser.sh - headless Chromium against kofts-serve (tests/serve/browser.mjs):
# builds an index of corpus/sample plus hostile documents, starts kofts-serve on a free
# loopback port, runs the browser checks, saves a screenshot in WORKDIR. Skips (77)
# with a message when chromium or node is not installed.
# usage: test_browser.sh KOFTS_INDEX KOFTS_SERVE SOURCE_DIR WORKDIR
INDEX=$1
SERVE=$2
SRC=$3
WORK=$4
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
. "$SRC/tests/lib.sh"
[ -x "$CHROMIUM" ] || skip "$CHROMIUM not found (scripts/install-deps.sh installs chromium)"
command -v node >/dev/null 2>&1 || skip "node not found (scripts/install-deps.sh installs nodejs)"
mkdir -p "$WORK" || exit 1
DB=$WORK/browser.db
cat > "$WORK/hostile.jsonl" <<'JSONL'
{"id":"hostile-1","title":"<script>window.__kofts_pwned=1</script> 해킹 <img src=x onerror=\"window.__kofts_pwned=2\">","url":"javascript:window.__kofts_pwned=3","categories":["<b>보안</b>"],"date":"2024-06-01","body":"해킹 본문 </mark><script>window.__kofts_pwned=4</script> \"onerror=window.__kofts_pwned=5 <iframe src=\"javascript:window.__kofts_pwned=6\"></iframe>"}
JSONL
"$INDEX" --quiet --full --db "$DB" "$SRC/corpus/sample" "$WORK/hostile.jsonl" || exit 1
: > "$WORK/serve.log" # emptied before the start: see serve/serve-port.sh
"$SERVE" --db "$DB" --listen 127.0.0.1:0 --threads 2 --cors '*' 2>"$WORK/serve.log" &
pid=$!
. "$SRC/serve/serve-port.sh"
if ! port=$(serve_port "$WORK/serve.log"); then
    echo "FAIL: kofts-serve did not start"; cat "$WORK/serve.log"; kill $pid; exit 1
fi
# The Jekyll include as a site would render it (kofts_api = this server), opened from a
# file:// page (origin "null", allowed by --cors '*').
sed "s|{{ site.kofts_api }}|http://127.0.0.1:$port|g" "$SRC/serve/jekyll/_includes/kofts-search.html" \
    > "$WORK/jekyll.html"
# Chromium's profile and its own temporary folders go under WORK/tmp, removed after the
# run (Chromium leaves org.chromium.* folders in TMPDIR otherwise).
rm -rf "$WORK/tmp" && mkdir -p "$WORK/tmp" || exit 1
TMPDIR=$(cd "$WORK/tmp" && pwd) node "$SRC/tests/serve/browser.mjs" "http://127.0.0.1:$port" "과학기술정보통신부 예산" "해킹" \
    "$WORK/kofts-serve.png" "$(cd "$WORK" && pwd)/jekyll.html"
rc=$?
if [ "$rc" -ne 0 ]; then
    # Say whether the server was still up, and what it logged (its last lines).
    if kill -0 $pid 2>/dev/null; then
        echo "note: kofts-serve (pid $pid) is still running"
        command -v ss >/dev/null 2>&1 && ss -ltn "sport = :$port" | sed 's/^/note: ss: /'
    else
        wait $pid
        echo "note: kofts-serve (pid $pid) had exited with status $?"
    fi
    tail -n 15 "$WORK/serve.log" | sed 's/^/note: serve.log: /'
fi
kill $pid 2>/dev/null
wait $pid 2>/dev/null
for _ in 1 2 3 4 5; do rm -rf "$WORK/tmp" 2>/dev/null && break; sleep 0.5; done
exit $rc
