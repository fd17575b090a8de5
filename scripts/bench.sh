#!/bin/sh
# Reproducible benchmarks at 10,000 and 100,000 generated tickets, each figure
# beside the cost of its physical limit (reading the same files, the git CLI),
# measured in the same run. Prints medians and ratios as Markdown rows.
#
#   sh scripts/bench.sh            # 10000 and 100000 tickets
#   SIZES=10000 RUNS=3 sh scripts/bench.sh
#   PARTS="core index" sh scripts/bench.sh   # only some parts: core, index, sync, search, import, kb
#
# Generated desks are cached in bench/out/ (not committed); BENCH_OUT=DIR puts
# them elsewhere, so two benchmark runs never share a desk.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_OUT:-$root/bench/out}
mkdir -p "$out/bin"
cd "$root"
go build -o "$out/bin/ticket" ./cmd/ticket
go build -o "$out/bin/benchtime" ./internal/benchtime
go build -o "$out/bin/benchgen" ./internal/benchgen
PATH="$out/bin:$PATH"
export PATH
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@shop.example GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@shop.example
export TICKET_NOW=2026-11-20T12:00:00Z
runs=${RUNS:-5}
parts=${PARTS:-core index sync search import kb}
part() { case " $parts " in *" $1 "*) return 0 ;; esac; return 1; }

row() { # label ours reference
	ours=$(benchtime -runs "$runs" -label "$1" -- "$2")
	ref=$(benchtime -runs "$runs" -label ref -- "$3")
	printf '%s\t%s\n' "$ours" "$ref" | awk -F'\t' -v n="$n" -v cmd="$2" -v refcmd="$3" '{
		printf "| %s | %s | `%s` %.3f s | `%s` %.3f s | %.2f× | %s MB |\n", n, $1, cmd, $2, refcmd, $7, $2/$7, $5 }'
}

echo "| tickets | what | ticket (median) | reference (median) | ratio | peak RSS |"
echo "| --- | --- | --- | --- | --- | --- |"
part core && for n in ${SIZES:-10000 100000}; do
	d="$out/desk$n"
	if [ ! -d "$d/.ticket" ]; then
		benchgen -n "$n" -o "$d" >/dev/null 2>&1
	fi
	cd "$d"
	git gc -q --auto >/dev/null 2>&1 || true
	id=$(ticket list --all --limit 1 --json --jq '.[0].id')
	path=$(ticket show "$id" --json --jq .path)
	row "list --json (default filters)" "ticket list --json >/dev/null" "git ls-files -z tickets | xargs -0 cat >/dev/null"
	row "list --json --all" "ticket list --json --all >/dev/null" "git ls-files -z tickets | xargs -0 cat >/dev/null"
	row "report --since 90d (vs list --all)" "ticket report --since 90d >/dev/null" "ticket list --json --all >/dev/null"
	row "show PREFIX" "ticket show ${id%??} --json >/dev/null" "git cat-file -p HEAD:$path >/dev/null"
	row "new (with its commit)" "ticket new 'Bench ticket' -m hi >/dev/null" \
		"f=\$(mktemp tickets/zz-XXXXXX.md); echo x >\"\$f\"; git add \"\$f\" && git commit -q -m bench"
	row "log ID" "ticket log $id >/dev/null" "git log --format=%H -- $path >/dev/null"
	row "git ls-files (floor)" "git ls-files tickets >/dev/null" "true"
	cd "$root"
done

# The derived index and search (docs/search.md), against ripgrep reading the
# same files (grep -rl when rg is not installed; the row then says grep).
rowp() { # label prepare ours reference
	ours=$(benchtime -runs "$runs" -prepare "$2" -label "$1" -- "$3")
	ref=$(benchtime -runs "$runs" -label ref -- "$4")
	printf '%s\t%s\n' "$ours" "$ref" | awk -F'\t' -v n="$n" -v cmd="$3" -v refcmd="$4" '{
		printf "| %s | %s | `%s` %.3f s | `%s` %.3f s | %.2f× | %s MB |\n", n, $1, cmd, $2, refcmd, $7, $2/$7, $5 }'
}
if command -v rg >/dev/null 2>&1; then grepl="rg -l"; else grepl="grep -rl"; fi
word=${SEARCH_WORD:-damage} # in about half the tickets
rare=${SEARCH_RARE:-5521}   # an order number, in a few dozen
part index && for n in ${SIZES:-10000 100000}; do
	d="$out/desk$n"
	cd "$d"
	base=$(git rev-parse HEAD)
	row "list --json, index warm" "ticket list --json >/dev/null" "$grepl 'status: open' tickets >/dev/null"
	# The floor of a check that is never stale: git status also lstats
	# every tracked file (and reads its own index).
	row "list --json, index warm (vs git status)" "ticket list --json >/dev/null" "git status --porcelain tickets >/dev/null"
	rowp "list --json, index cold" "rm -rf .git/ticket/index" "ticket list --json >/dev/null" "$grepl 'status: open' tickets >/dev/null"
	# A commit changing 100 tickets, then pulled into a warm work tree.
	git checkout -q -B bench-pull "$base"
	git ls-files tickets | awk -v s=$((n / 100)) 'NR % s == 1' | head -100 | xargs sed -i '$a One more line from the customer.'
	git commit -q -a -m 'bench: 100 changed tickets'
	git checkout -q - 2>/dev/null || git checkout -q "$base"
	rowp "list --json after pulling 100 changed tickets" "git reset -q --hard $base && ticket list >/dev/null && git pull -q --ff-only . bench-pull" \
		"ticket list --json >/dev/null" "$grepl 'status: open' tickets >/dev/null"
	git reset -q --hard "$base"
	row "report --since 90d" "ticket report --since 90d >/dev/null" "ticket list --json --all >/dev/null"
	cd "$root"
done

# ticket sync and ticket lint (docs/sync.md, docs/ci.md), for each of SIZES.
# Sync: 100 tickets changed upstream and 100 locally, 50 of them the same
# tickets (50 ticket merges), beside git fetch, git merge (with the ticket
# merge driver registered) and git push of the same change. Every run starts
# from the same state (-prepare, untimed). Lint: the whole desk of the
# merged clone, beside reading every ticket file and beside git fetch and
# git merge of the change; TICKET_NOW is set after the generated desk's
# last time, so lint finds no error and exits 0.
part sync && for n in ${SIZES:-10000 100000}; do
	d="$out/desk$n"
	s="$out/sync$n"
	if [ ! -d "$d/.ticket" ]; then
		benchgen -n "$n" -o "$d" >/dev/null 2>&1
	fi
	if [ ! -f "$s/state" ]; then
		rm -rf "$s" && mkdir -p "$s"
		git clone -q --bare "$d" "$s/remote.git"
		git clone -q "$s/remote.git" "$s/up" && git clone -q "$s/remote.git" "$s/local"
		base=$(git -C "$s/local" rev-parse HEAD)
		(cd "$s/up" && ticket setup >/dev/null && ticket list --all --json --jq '.[].id' | head -100 |
			while read -r id; do ticket --no-commit note "$id" -m 'upstream note' >/dev/null; done &&
			git commit -q -m 'upstream: 100 notes' && git push -q origin HEAD)
		(cd "$s/local" && ticket setup >/dev/null && ticket list --all --json --jq '.[].id' | sed -n '51,150p' |
			while read -r id; do ticket --no-commit tag "$id" synced >/dev/null; done &&
			git commit -q -m 'local: 100 tags')
		echo "base=$base up=$(git -C "$s/remote.git" rev-parse HEAD) local=$(git -C "$s/local" rev-parse HEAD)" >"$s/state"
	fi
	. "$s/state"
	reset="cd '$s/local' && git reset -q --hard $local && git update-ref refs/remotes/origin/main $base && git -C '$s/remote.git' update-ref refs/heads/main $up"
	gitsync="git fetch -q origin && git merge -q --no-edit origin/main && git push -q origin HEAD"
	cd "$s/local"
	for engine in git go-git; do
		ours=$(benchtime -runs "$runs" -label "sync --engine $engine (100 in, 100 out, 50 merged)" -prepare "$reset" -- "ticket sync --engine $engine >/dev/null")
		ref=$(benchtime -runs "$runs" -label ref -prepare "$reset" -- "$gitsync")
		printf '%s\t%s\n' "$ours" "$ref" | awk -F'\t' -v n="$n" -v cmd="ticket sync --engine $engine" -v refcmd="git fetch && git merge && git push" '{
			printf "| %s | %s | `%s` %.3f s | `%s` %.3f s | %.2f× | %s MB |\n", n, $1, cmd, $2, refcmd, $7, $2/$7, $5 }'
	done
	# Lint the merged clone.
	eval "$reset" && ticket sync >/dev/null
	lint="TICKET_NOW=2027-01-01T00:00:00Z ticket lint >/dev/null"
	row "lint (vs reading every ticket file)" "$lint" "git ls-files -z tickets | xargs -0 cat >/dev/null"
	ours=$(benchtime -runs "$runs" -label "lint (vs git fetch && git merge of the change)" -- "$lint")
	ref=$(benchtime -runs "$runs" -label ref -prepare "$reset" -- "git fetch -q origin && git merge -q --no-edit origin/main")
	printf '%s\t%s\n' "$ours" "$ref" | awk -F'\t' -v n="$n" -v cmd="ticket lint" -v refcmd="git fetch && git merge" '{
		printf "| %s | %s | `%s` %.3f s | `%s` %.3f s | %.2f× | %s MB |\n", n, $1, cmd, $2, refcmd, $7, $2/$7, $5 }'
	row "lint --ref HEAD" "TICKET_NOW=2027-01-01T00:00:00Z ticket lint --ref HEAD >/dev/null" "git ls-files -z tickets | xargs -0 cat >/dev/null"
	eval "$reset"
	cd "$root"
done

# ticket search (docs/search.md), index and search store warm, beside
# ripgrep listing the files that hold the same text: a word in about half
# the tickets, an order number in a few dozen, a two-syllable Korean word
# inside sentences and a two-word phrase. Only the 20 best are printed
# (the default); the note on stderr saying how many match is dropped.
korean=${SEARCH_KOREAN:-환불}
phrase=${SEARCH_PHRASE:-blue kettle}
part search && for n in ${SIZES:-10000 100000}; do
	d="$out/desk$n"
	if [ ! -d "$d/.ticket" ]; then
		benchgen -n "$n" -o "$d" >/dev/null 2>&1
	fi
	cd "$d"
	ticket search "$word" >/dev/null 2>&1 # brings the index and the search store up to date
	row "search $word (common word)" "ticket search $word --json >/dev/null 2>&1" "$grepl $word tickets >/dev/null"
	row "search $rare (rare word)" "ticket search $rare --json >/dev/null 2>&1" "$grepl $rare tickets >/dev/null"
	row "search $korean (Korean word)" "ticket search $korean --json >/dev/null 2>&1" "$grepl $korean tickets >/dev/null"
	row "search \"$phrase\" (phrase)" "ticket search '\"$phrase\"' --json >/dev/null 2>&1" "$grepl '$phrase' tickets >/dev/null"
	row "search $rare (vs git status)" "ticket search $rare --json >/dev/null 2>&1" "git status --porcelain tickets >/dev/null"
	cd "$root"
done

# Importing mail (docs/email-gateway.md): a generated mbox (about 30% replies
# into earlier threads) imported into a fresh desk as one commit, beside
# reading the mbox and git committing the same files in a fresh repository.
# Each import is long, so it runs IMPORT_RUNS times (default 1) with no
# warm-up; CPU seconds come from /usr/bin/time when it is installed.
part import && {
	go build -o "$out/bin/mboxgen" ./internal/mboxgen
	iruns=${IMPORT_RUNS:-1}
	echo
	echo "| messages | what | median | messages/s | CPU s (user+sys) | peak RSS |"
	echo "| --- | --- | --- | --- | --- | --- |"
	for n in ${SIZES:-10000 100000}; do
		mb="$out/import$n.mbox"
		[ -f "$mb" ] || mboxgen -n "$n" -o "$mb"
		d="$out/import$n"
		g="$out/import$n-git"
		cpu="$out/import$n.cpu"
		timer=""
		[ -x /usr/bin/time ] && timer="/usr/bin/time -f '%U %S' -o '$cpu'"
		rm -f "$cpu"
		imp=$(benchtime -warmup 0 -runs "$iruns" -label "ticket import mbox (one commit)" \
			-prepare "rm -rf '$d' && ticket init '$d' --name Bench --email support@shop.example >/dev/null" \
			-- "$timer ticket -C '$d' import mbox '$mb' >/dev/null")
		cat=$(benchtime -runs "$runs" -label "cat FILE >/dev/null (reading the mbox)" -- "cat '$mb' >/dev/null")
		gitc=$(benchtime -warmup 0 -runs "$iruns" -label "git add -A && git commit of the imported files" \
			-prepare "rm -rf '$g' && mkdir -p '$g' && cd '$g' && git init -q && cp -r '$d/tickets' '$d/.ticket' ." \
			-- "cd '$g' && git add -A && git commit -q -m x")
		files=$(git -C "$d" ls-files | wc -l)
		cpus="-"
		[ -f "$cpu" ] && cpus=$(awk '{ printf "%.1f", $1 + $2 }' "$cpu")
		printf '%s\n' "$imp" | awk -F'\t' -v n="$n" -v c="$cpus" '{ printf "| %s | %s | %.2f s | %.0f | %s | %s MB |\n", n, $1, $2, n / $2, c, $5 }'
		printf '%s\n' "$cat" | awk -F'\t' -v n="$n" '{ printf "| %s | %s | %.3f s | %.0f | - | %s MB |\n", n, $1, $2, n / $2, $5 }'
		printf '%s\n' "$gitc" | awk -F'\t' -v n="$n" -v f="$files" '{ printf "| %s | %s (%s files) | %.2f s | - | - | %s MB |\n", n, $1, f, $2, $5 }'
	done
}

# The knowledge base (docs/knowledge-base.md): a cold `ticket kb build` of
# generated articles (internal/kbgen) beside Hugo building the same public
# Markdown files with minimal layouts (baseof, single, list; no theme) into
# an empty folder. Hugo is installed into $out/bin for this benchmark only;
# it is not a dependency of the project. KB_SIZES chooses the sizes.
part kb && {
hugo_version=${HUGO_VERSION:-v0.160.0}
if ! hugo version 2>/dev/null | grep -q "hugo ${hugo_version}[-+ ]"; then
	GOBIN="$out/bin" CGO_ENABLED=0 go install "github.com/gohugoio/hugo@$hugo_version"
fi
go build -o "$out/bin/kbgen" ./internal/kbgen/cmd
echo
echo "| articles | \`ticket kb build\` (median) | peak RSS | files | Hugo $hugo_version (median) | peak RSS | files | ratio |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for n in ${KB_SIZES:-1000 10000}; do
	d="$out/kb$n"
	h="$out/hugo$n"
	if [ ! -d "$d/kb" ]; then
		rm -rf "$d" "$h"
		kbgen -n "$n" -o "$d" >/dev/null
	fi
	if [ ! -f "$h/hugo.toml" ]; then
		rm -rf "$h" && mkdir -p "$h/content" "$h/layouts"
		# The files ticket publishes: internal articles stay out.
		(cd "$d/kb" && grep -L '^visibility: internal$' -- *.md | xargs cp -t "$h/content/")
		cat >"$h/hugo.toml" <<'EOF'
baseURL = "https://help.example.com/"
title = "Bench Help"
uglyURLs = true
defaultContentLanguage = "en"
defaultContentLanguageInSubdir = true
disableKinds = ["section"]
[languages.en]
weight = 1
[languages.de]
weight = 2
[languages.fr]
weight = 3
[languages.ko]
weight = 4
[taxonomies]
category = "category"
tag = "tags"
[frontmatter]
date = ["updated", ":default"]
lastmod = ["updated", ":default"]
[outputs]
home = ["html", "rss"]
page = ["html"]
taxonomy = ["html"]
term = ["html"]
[services.rss]
limit = 50
EOF
		cat >"$h/layouts/baseof.html" <<'EOF'
<!DOCTYPE html>
<html lang="{{ .Language.Lang }}">
<head>
<meta charset="utf-8">
<title>{{ .Title }} · {{ .Site.Title }}</title>
{{- with .Description }}
<meta name="description" content="{{ . }}">
{{- end }}
<link rel="canonical" href="{{ .Permalink }}">
{{- range .Translations }}
<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{- end }}
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><a href="{{ .Site.Home.RelPermalink }}">Home</a></footer>
</body>
</html>
EOF
		cat >"$h/layouts/single.html" <<'EOF'
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ with .Lastmod }}<p><time datetime="{{ .Format "2006-01-02" }}">{{ .Format "2006-01-02" }}</time></p>{{ end }}
{{ .Content }}
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">#{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>
{{ end }}
EOF
		cat >"$h/layouts/list.html" <<'EOF'
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = first 8 .RegularPages }}{{ end }}
<ul>
{{- range $pages }}
<li><h2><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></h2><p>{{ .Summary }}</p></li>
{{- end }}
</ul>
{{ end }}
EOF
	fi
	site="$out/kbsite$n"
	ours=$(benchtime -runs "$runs" -prepare "rm -rf '$site'" -label ticket -- "ticket -C '$d' kb build -o '$site' >/dev/null")
	ref=$(benchtime -runs "$runs" -prepare "rm -rf '$h/public' '$h/resources'" -label hugo -- "hugo --source '$h' --noBuildLock --quiet >/dev/null")
	files=$(find "$site" -type f ! -name .kb-manifest | wc -l)
	hfiles=$(find "$h/public" -type f | wc -l)
	printf '%s\t%s\n' "$ours" "$ref" | awk -F'\t' -v n="$n" -v f="$files" -v hf="$hfiles" '{
		printf "| %s | %.2f s | %s MB | %d | %.2f s | %s MB | %d | %.2f× |\n", n, $2, $5, f, $7, $10, hf, $2/$7 }'
done
}
