#!/bin/sh
# Runs the whole test suite: vet, every package's tests (unit, property,
# end-to-end scripts, browser checks) and each fuzz target briefly.
# Installs what the tests need when it is missing (Debian's chromium, procmail).
set -eu
cd "$(dirname "$0")/.."

# The browser tests (knowledge base, report) need Debian's chromium, and
# fonts for Korean, Thai and other scripts so screenshots are readable; the
# mail gateway test runs the real procmail.
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v procmail >/dev/null 2>&1 || missing="$missing procmail"
[ -d /usr/share/fonts/opentype/noto ] || [ -d /usr/share/fonts/truetype/noto ] || missing="$missing fonts-noto-cjk"
[ -d /usr/share/fonts/truetype/tlwg ] || missing="$missing fonts-thai-tlwg"
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "installing for the browser and gateway tests:$missing"
		apt-get update -qq >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
	elif echo "$missing" | grep -q chromium; then
		echo "chromium is missing: install it (apt-get install chromium) for the browser tests" >&2
		exit 1
	elif echo "$missing" | grep -q procmail; then
		echo "procmail is missing: install it (apt-get install procmail) for the mail gateway test" >&2
		exit 1
	else
		echo "warning: fonts missing ($missing); screenshots of Korean and Thai text show boxes" >&2
	fi
fi

go vet ./...
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
	echo "gofmt needed on: $unformatted" >&2
	exit 1
fi
go test -count=1 ./...

# Each fuzz target runs briefly on top of its seeds and of the corpus the
# fuzzing rounds grew (a smoke test: about 30 targets, so a few seconds
# each); FUZZTIME overrides. Restoring the corpus into the fuzz cache first
# checks every input those rounds kept again. Runs to a plateau are
# described in docs/hardening.md.
go run ./internal/fuzzplateau -restore internal/fuzzplateau/testdata/corpus.tar.gz
fuzztime=${FUZZTIME:-3s}
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "fuzz $pkg $target ($fuzztime)"
		# A slow target can hit the fuzzer's own deadline ("context deadline
		# exceeded") mid-input, a time-out of the go command, not a failure
		# found: such a run is repeated once.
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >/tmp/ticket-fuzz.log 2>&1 ||
			{ grep -q 'context deadline exceeded' /tmp/ticket-fuzz.log && ! grep -q 'Failing input' /tmp/ticket-fuzz.log &&
				go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >/tmp/ticket-fuzz.log 2>&1; } || {
			cat /tmp/ticket-fuzz.log
			exit 1
		}
	done
done
echo "all tests passed"
