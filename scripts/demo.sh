#!/bin/sh
# Builds ticket and runs the main job on bundled sample data: a demo desk
# made from a sample mailbox — import, rules, list, report, knowledge base —
# in a temporary folder (or DEMO_DIR), leaving your own files alone.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
demo=${DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/ticket-demo.XXXXXX")}
bin="$demo/bin"
mkdir -p "$bin"
echo "==> building ticket"
(cd "$root" && go build -o "$bin/ticket" ./cmd/ticket)
PATH="$bin:$PATH"
export PATH
# A fixed clock makes the demo's output the same on every run.
TICKET_NOW=${TICKET_NOW:-2026-11-20T16:00:00Z}
export TICKET_NOW
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-Demo Agent}" GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-agent@demo.example}"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"

desk="$demo/desk"
echo "==> ticket init $desk"
ticket init "$desk" --name "Demo Shop Support" --email support@shop.example
cp "$root/examples/demo/config.yaml" "$desk/.ticket/config.yaml"
mkdir -p "$desk/kb" && cp "$root"/examples/demo/kb/*.md "$desk/kb/"
git -C "$desk" add .ticket/config.yaml kb
git -C "$desk" commit -q -m "demo: agents, rules, SLA and knowledge-base articles"
cd "$desk"

if ticket import --help >/dev/null 2>&1; then
	echo "==> ticket import mbox (the bundled sample mailbox)"
	ticket import mbox "$root/examples/demo/sample.mbox"
else
	echo "==> creating sample tickets"
	while IFS='|' read -r title customer channel prio tags; do
		ticket new "$title" --customer "$customer" --channel "$channel" -p "$prio" --tag "$tags" -m "$title" >/dev/null
	done < "$root/examples/demo/tickets.txt"
fi

echo "==> ticket list (rules tagged, prioritised and assigned on import)"
ticket list
first=$(ticket list --json --jq '[.[] | select(.title | test("Kettle arrived broken"))][0].id')
echo "==> an agent answers, resolves and records the customer's rating: $first"
TICKET_NOW=2026-11-20T14:20:00Z ticket reply "$first" --queue -m "Hi! Sorry about the kettle - a replacement is on its way today."
TICKET_NOW=2026-11-20T14:40:00Z ticket resolve "$first"
TICKET_NOW=2026-11-20T14:45:00Z ticket rate "$first" good --comment "Quick and friendly"
echo "==> ticket show $first"
ticket show "$first"
echo "==> ticket sla (clocks at risk or breached)"
ticket sla || true
if ticket report --help >/dev/null 2>&1; then
	echo "==> ticket report --since 30d"
	ticket report --since 30d
fi
if ticket kb --help >/dev/null 2>&1; then
	echo "==> ticket kb build"
	ticket kb build -o "$demo/site"
	echo "knowledge base: $demo/site/index.html"
fi
echo "==> git log"
git log --oneline | head -n 15
echo
echo "The demo desk is in $desk"
