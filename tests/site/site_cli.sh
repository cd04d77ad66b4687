#!/bin/sh
# site_cli.sh - Jekyll site mode end to end on the fixture site in tests/site/fixture
# (written for these tests): the exact document set, titles and URLs (written out by
# hand from Jekyll's documented rules, not produced by kofts), the warnings, quiet
# left-outs, --drafts, --exclude, a no-change re-run, a _config.yml edit that changes
# URLs without re-analysing, browsing without words, and .txt/extensionless posts
# outside site mode. Case ids S*.
# usage: site_cli.sh KOFTS_INDEX KOFTS_INDEX_SQL KOFTS_SEARCH FIXTURE
set -u
IDX=$1
SQL=$2
SEARCH=$3
FIX=$4
. "$(dirname "$0")/../lib.sh"
scratch site-test
q() { "$SQL" "$1" "$2"; }
summary() { grep -F 'kofts-index: indexed ' "$1" | sed 's/ in [0-9.]* s (.*//'; }

cp -R "$FIX" "$T/site" || exit 1
S=$T/site
# what Jekyll never reads, made here (a build's output and tool folders)
mkdir -p "$S/_site" "$S/node_modules/pkg" "$S/.jekyll-cache" "$S/vendor/bundle"
for f in _site/index.md node_modules/pkg/readme.md .jekyll-cache/c.md vendor/bundle/v.md; do
    printf -- '---\ntitle: never\n---\nnever indexed\n' >"$S/$f"
done
cd "$T" || exit 1

# ---------------------------------------------------------------- the site
"$IDX" --db a.db site >out 2>err
same S01-exit "$?" 0
U=https://news.example.kr/archive
same S02-documents "$(q a.db "SELECT id, title, url FROM docs ORDER BY id")" "\
_posts/2024-03-05-quantum-computer.md	양자컴퓨터 예산 확대	$U/science/it/2024/03/05/quantum-computer.html
_posts/2024-09-01-exported.txt	반도체 수출 기록 경신	$U/economy/2024/09/01/exported.txt
_posts/2024-10-01-own-permalink.md	고유 주소 기사	$U/special/own-permalink/
_series/part-one.md	연재 1회 골목 이야기	$U/series/part-one/
about.md	한빛 뉴스 소개	$U/about.html
news/_posts/2024-04-10-총선-결과.md	총선 결과 발표	$U/news/%EC%A0%95%EC%B9%98/2024/04/10/%EC%B4%9D%EC%84%A0-%EA%B2%B0%EA%B3%BC.html
news/_posts/2024-07-30-5094.md	[올림픽] 양궁 금메달 소식	$U/news/2024/07/30/2024-07-30-5094.html
news/_posts/2024-08-01-5095.md	1. 폭염 특보 확대	$U/news/2024/08/01/2024-08-01-5095.html"
same S03-warnings "$(grep -v 'kofts-index: indexed' err)" "\
kofts-index: site/news/_posts/2024-07-30-5094.md:3: front matter is not valid YAML (did not find expected key); recovered title, categories
kofts-index: site/news/_posts/2024-08-01-5095.md:5: front matter is not valid YAML (could not find expected ':'); recovered title, date, categories"
same S04-summary "$(summary err)" \
    "kofts-index: indexed 8, updated 0, unchanged 0, removed 0, skipped 0, warnings 2, left out 4 (published: false or Liquid only)"
same S05-categories "$(q a.db "SELECT replace(categories, char(10), '|'), date FROM docs WHERE id LIKE 'news/%' ORDER BY id")" "\
news|정치	2024-04-10
news|스포츠	2024-07-30
news|날씨	2024-08-02"
same S06-no-liquid "$(q a.db "SELECT count(*) FROM docs WHERE body LIKE '%{{%' OR body LIKE '%{\%%' OR body LIKE '%내부 메모%' OR title LIKE '%{{%'")" 0
same S07-txt-html-body "$(q a.db "SELECT body FROM docs WHERE id='_posts/2024-09-01-exported.txt'")" \
    "반도체 수출이 사상 최대를 기록했다."
same S08-about-body "$(q a.db "SELECT body FROM docs WHERE id='about.md'")" "한빛 뉴스는 편집국이 만드는 지역 신문입니다.
제보는 언제나 환영합니다."

# ---------------------------------------------------------------- re-runs
"$IDX" --db a.db site >out 2>err
same S10-rerun "$(cat err | sed 's/ in [0-9.]* s (.*//')" \
    "kofts-index: indexed 0, updated 0, unchanged 8, removed 0, skipped 0, warnings 0"
sed 's|^permalink: .*|permalink: pretty|' site/_config.yml >cfg && cat cfg >site/_config.yml
"$IDX" --db a.db site >out 2>err
same S11-config-no-reanalysis "$(summary err)" \
    "kofts-index: indexed 0, updated 0, unchanged 8, removed 0, skipped 0, warnings 2, left out 4 (published: false or Liquid only)"
same S12-pretty-urls "$(q a.db "SELECT url FROM docs ORDER BY id")" "\
$U/science/it/2024/03/05/quantum-computer/
$U/economy/2024/09/01/exported/
$U/special/own-permalink/
$U/series/part-one/
$U/about/
$U/news/%EC%A0%95%EC%B9%98/2024/04/10/%EC%B4%9D%EC%84%A0-%EA%B2%B0%EA%B3%BC/
$U/news/2024/07/30/2024-07-30-5094/
$U/news/2024/08/01/2024-08-01-5095/"
same S13-fts-intact "$(q a.db "INSERT INTO fts(fts) VALUES('integrity-check')" 2>&1)" ""
same S13-fts-match "$(q a.db "SELECT count(*) FROM fts WHERE fts MATCH '금메달'")" 1
"$IDX" --db a.db site >out 2>err
same S14-rerun-after-config "$(summary err)" \
    "kofts-index: indexed 0, updated 0, unchanged 8, removed 0, skipped 0, warnings 0"
# a config change in the same run as new mtimes on unchanged files (a checkout, a copy):
# each is read again, found unchanged by its hash, and still gets its new URL
cp site/_config.yml cfg.pretty
sed 's|^permalink: .*|permalink: /:categories/:title:output_ext|' cfg.pretty >site/_config.yml
find site -type f ! -name _config.yml -exec touch -d '2001-01-01' {} +
"$IDX" --db a.db site >out 2>err
same S15-touched-and-config "$(q a.db "SELECT url FROM docs WHERE id LIKE '_posts/%' ORDER BY id")" "\
$U/science/it/quantum-computer.html
$U/economy/exported.txt
$U/special/own-permalink/"
cp cfg.pretty site/_config.yml
"$IDX" --db a.db site >out 2>err

# ---------------------------------------------------------------- options
cp "$FIX/_config.yml" site/_config.yml
"$IDX" --db b.db --drafts --exclude '*.txt' --exclude 'news' site >out 2>err
same S20-drafts-exclude "$(q b.db "SELECT id, url FROM docs ORDER BY id")" "\
_drafts/draft-idea.md	$U/2024/12/01/draft-idea.html
_posts/2024-03-05-quantum-computer.md	$U/science/it/2024/03/05/quantum-computer.html
_posts/2024-10-01-own-permalink.md	$U/special/own-permalink/
_series/part-one.md	$U/series/part-one/
about.md	$U/about.html"

# ---------------------------------------------------------------- browsing
same S30-browse-order "$("$SEARCH" --db a.db --json --sort date --limit 100 '*' | sed 's/.*"id":"\([^"]*\)".*"url":"\([^"]*\)".*/\1 \2/')" "\
_posts/2024-10-01-own-permalink.md $U/special/own-permalink/
_posts/2024-09-01-exported.txt $U/economy/2024/09/01/exported/
news/_posts/2024-08-01-5095.md $U/news/2024/08/01/2024-08-01-5095/
news/_posts/2024-07-30-5094.md $U/news/2024/07/30/2024-07-30-5094/
news/_posts/2024-04-10-총선-결과.md $U/news/%EC%A0%95%EC%B9%98/2024/04/10/%EC%B4%9D%EC%84%A0-%EA%B2%B0%EA%B3%BC/
_posts/2024-03-05-quantum-computer.md $U/science/it/2024/03/05/quantum-computer/
about.md $U/about/
_series/part-one.md $U/series/part-one/"
page1=$("$SEARCH" --db a.db --json --limit 3 '*' | sed 's/.*"id":"\([^"]*\)".*/\1/')
page2=$("$SEARCH" --db a.db --json --limit 3 --offset 3 '*' | sed 's/.*"id":"\([^"]*\)".*/\1/')
page3=$("$SEARCH" --db a.db --json --limit 3 --offset 6 '*' | sed 's/.*"id":"\([^"]*\)".*/\1/')
same S31-paging "$(printf '%s\n%s\n%s\n' "$page1" "$page2" "$page3" | sort)" \
    "$(q a.db "SELECT id FROM docs" | sort)"
same S32-filters-only "$("$SEARCH" --db a.db --json --category news --since 2024-05-01 | sed 's/.*"id":"\([^"]*\)".*/\1/')" "\
news/_posts/2024-08-01-5095.md
news/_posts/2024-07-30-5094.md"
"$SEARCH" --db a.db '*' >out 2>err
same S33-browse-terminal "$(head -2 out)" "1. 고유 주소 기사
   $U/special/own-permalink/ · 2024-10-01"
same S34-browse-footer "$(tail -1 out | sed 's/ in .*//')" "1–8 of 8 hits (every document, newest first)"
"$SEARCH" --db a.db '의' >out 2>err
same S35-stopword-is-not-browse "$(tail -1 out | sed 's/ in .*//')" "0 hits (all words)"

# ---------------------------------------------------------------- outside site mode
mkdir -p plain
cp "$FIX/_posts/2024-09-01-exported.txt" plain/
printf -- '---\ntitle: 확장자 없는 기사\n---\n# 제목\n\n확장자 없는 파일의 본문.\n' >plain/NOEXT
printf 'LICENSE TEXT\n' >plain/LICENSE
printf '첫 줄 제목\n평범한 텍스트 본문.\n' >plain/note.txt
"$IDX" --db c.db plain >out 2>err
same S40-plain "$(q c.db "SELECT id, title, body, url FROM docs ORDER BY id")" "\
2024-09-01-exported.txt	반도체 수출 기록 경신	반도체 수출이 사상 최대를 기록했다.	
NOEXT	확장자 없는 기사	제목
확장자 없는 파일의 본문.	
note.txt	첫 줄 제목	평범한 텍스트 본문.	"
"$IDX" --db d.db --exclude 'note*' plain >out 2>err
same S41-exclude-plain "$(q d.db "SELECT id FROM docs ORDER BY id")" "2024-09-01-exported.txt
NOEXT"

finish site_cli
