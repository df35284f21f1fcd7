#!/usr/bin/env bash
# tests/run/guide.sh DIR - do what docs/developing-a-module.md says, in DIR:
# write each file the page shows (a fenced block after "<!-- file: PATH
# -->"), then run each command block (after "<!-- command -->") in order,
# with bash -e, the page's /path/to/pkvmkit being this tree. Exit status:
# the first failing command's, 0 if all passed. Used by tests/run/run.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=$1
mkdir -p "$DIR"
awk -v dir="$DIR" '
	/^<!-- file: .* -->$/ { file = $3; next }
	/^<!-- command -->$/ { file = sprintf("cmd-%02d.sh", ++ncmd); next }
	/^```/ {
		if (inblock) { inblock = 0; file = ""; next }
		if (file != "") { inblock = 1; out = dir "/" file; system("mkdir -p \"$(dirname \"" out "\")\""); printf "" > out }
		next
	}
	inblock { print >> out }
' "$ROOT/docs/developing-a-module.md"
cd "$DIR"
for c in cmd-*.sh; do
	sed -i "s|/path/to/pkvmkit|$ROOT|" "$c"
done
# one shell for all, so that the first command's exports hold
cat cmd-*.sh >all-commands.sh
bash -e all-commands.sh
