#!/bin/sh
# demo.sh BUILD_DIR: the `make demo` walk-through. Indexes the bundled sample
# articles (corpus/sample) into BUILD_DIR/demo.db with kofts-index, then runs a
# few kofts-search queries that show what the Korean analyzer is for (particles,
# spacing variants, mixed Latin, Hanja, a question, a precision trap) and prints
# each query with its results; then indexes the Jekyll fixture site
# (tests/site/fixture) to show site URLs and browsing without words. Fails loudly if
# any program fails.
set -eu

die() {
    echo "demo: $*" >&2
    exit 1
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
case $BUILD in
/*) ;;
*) BUILD=$ROOT/$BUILD ;;
esac
INDEX=$BUILD/kofts-index
SEARCH=$BUILD/kofts-search
DB=$BUILD/demo.db
SAMPLE=$ROOT/corpus/sample

for prog in "$INDEX" "$SEARCH"; do
    [ -x "$prog" ] || die "$prog not found or not executable: build first (make build)"
done
[ -d "$SAMPLE" ] || die "$SAMPLE not found"

set -- "$SAMPLE"/*.md
echo "== Indexing $# sample articles from corpus/sample into $DB"
"$INDEX" --db "$DB" --full "$SAMPLE" || die "kofts-index failed (exit $?)"

# One query per line: what it shows, a TAB, the query.
QUERIES='particle stripped: 과학기술정보통신부가 / 과학기술정보통신부는 match	과학기술정보통신부
spacing variant: finds 양자컴퓨팅 written joined too	양자 컴퓨팅
compound written spaced elsewhere: 스케일업 밸리	스케일업밸리
mixed Latin and Hangul	AI반도체
Hanja headline: 韓國 is read as 한국	韓國 콘텐츠
number with unit	300억 원
a natural question	광주에 AI반도체 단지를 짓는 데 얼마를 투자하나요?
precision: 가구 (furniture) must not match 국가구조	가구'

TAB=$(printf '\t')
echo "$QUERIES" | while IFS=$TAB read -r what query; do
    printf '\n== %s\n$ kofts-search --limit 3 "%s"\n' "$what" "$query"
    "$SEARCH" --db "$DB" --limit 3 "$query" || die "kofts-search failed for '$query' (exit $?)"
done
# A Jekyll site (the test fixture, written for kofts): documents get the URL Jekyll
# gives them; no query words lists the archive newest first.
SITE=$ROOT/tests/site/fixture
SITEDB=$BUILD/demo-site.db
if [ -d "$SITE" ]; then
    printf '\n== A Jekyll site: kofts-index reads tests/site/fixture the way Jekyll does\n'
    printf '$ kofts-index --db demo-site.db tests/site/fixture\n'
    "$INDEX" --db "$SITEDB" --full "$SITE" || die "kofts-index failed on the site (exit $?)"
    printf '\n== Browse without words, newest first, with each post'"'"'s URL\n'
    printf '$ kofts-search --db demo-site.db --sort date --limit 4 '"'"'*'"'"'\n'
    "$SEARCH" --db "$SITEDB" --sort date --limit 4 '*' || die "kofts-search failed (exit $?)"
    printf '\n$ kofts-search --db demo-site.db 금메달\n'
    "$SEARCH" --db "$SITEDB" 금메달 || die "kofts-search failed (exit $?)"
fi
printf '\nDone. Try your own: %s --db %s "검색어"\n' "$SEARCH" "$DB"
printf 'Search page: run %s/kofts-serve --db %s and open http://127.0.0.1:8080/\n' "$BUILD" "$DB"
