#!/bin/sh
# Runs the whole test suite: vet, every package's tests (unit, property,
# end-to-end scripts, browser checks) and each fuzz target briefly.
# Installs what the tests need when it is missing (Debian's chromium).
set -eu
cd "$(dirname "$0")/.."

need_browser() {
	command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
}
if ! need_browser && [ -d kb ] ; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "installing chromium for the browser tests"
		apt-get update -qq >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	else
		echo "chromium is missing: install it (apt-get install chromium) for the browser tests" >&2
		exit 1
	fi
fi

go vet ./...
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
	echo "gofmt needed on: $unformatted" >&2
	exit 1
fi
go test -count=1 ./...

# Each fuzz target runs briefly on top of its seed corpus; FUZZTIME overrides.
fuzztime=${FUZZTIME:-5s}
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "fuzz $pkg $target ($fuzztime)"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >/tmp/ticket-fuzz.log 2>&1 || {
			cat /tmp/ticket-fuzz.log
			exit 1
		}
	done
done
echo "all tests passed"
