# shellcheck shell=bash
# scripts/deb-closure.sh - a QEMU binary and the libraries it runs with,
# downloaded (never installed) from a Debian suite and unpacked: the
# machinery scripts/get-vmm.sh (bookworm's arm64 QEMU 7.2, the inner VMM)
# and scripts/get-host-qemu.sh (trixie's amd64 QEMU 10.0, for the host)
# share, sourced by both.
#
# Which packages: $DC_TOP's Depends, then recursively the Depends and
# Pre-Depends of every library package among them (lib*, zlib1g; the
# first alternative of each, $DC_ARCH): the shared-library closure apt
# knows, without the maintainer-script and data packages (qemu-system-
# common, -data, debconf, ...). Resolved and downloaded through the
# private apt configuration of $DC_SUITE (scripts/apt-private.sh; the
# machine's /etc/apt and dpkg state are never read or touched).
#
# The sourcing script sets DEPS, ROOT, DC_DIR (its folder under .deps),
# DC_SUITE, DC_ARCH, DC_TOP, DC_FORMAT (bump when its selection or layout
# changes) and defines log MSG and die MSG [MORE-LINES...]. Layout of
# DC_DIR: debs/ (the cache; only this writes it), root/ (every .deb
# unpacked), packages ("name version arch", sorted), resolved (the
# resolution, kept while the lists are the same), .stamp (what root/ was
# made from). Functions:
#   dc_begin           lock against scripts/setup.sh, the apt configuration
#   dc_up_to_date FN   0 if root/ matches the resolution and FN (the
#                      caller's check of its tree) holds: nothing to do
#   dc_fetch           resolve (PKGS) and download what is missing
#   dc_unpack NEW      every package unpacked into a fresh NEW
#   dc_install NEW     NEW becomes root/, with packages and .stamp

DC_CACHE=$DC_DIR/debs

dc_begin() {
	mkdir -p "$DC_CACHE"
	# scripts/setup.sh holds .deps/.setup.lock already when it runs us (a
	# second flock on a new descriptor of that file would wait for ever);
	# on our own, serialise with it.
	if [ -z "${PKVMKIT_SETUP_LOCKED:-}" ]; then
		# shellcheck disable=SC2153 # DEPS is the sourcing script's
		exec 9>"$DEPS/.setup.lock"
		flock 9
	fi
	# shellcheck source=scripts/apt-private.sh
	. "$ROOT/scripts/apt-private.sh"
	apt_private "$DC_SUITE"
}

# The resolution is valid while the lists are the same (apt-get update
# changes the folder's mtime) and the selection rules are.
dc_resolved_key() {
	printf '# format=%s lists=%s\n' "$DC_FORMAT" "$(stat -c %Y "$APTDIR/lists")"
}

# What root/ must have been made from (needs PKGS).
dc_stamp_want() {
	printf 'format=%s\n' "$DC_FORMAT"
	printf '%s\n' "${PKGS[@]}"
}

dc_up_to_date() { # TREE-OK-FUNCTION
	[ "${PKVMKIT_SETUP_FORCE:-0}" != 1 ] && [ -f "$DC_DIR/resolved" ] &&
		[ "$(head -n1 "$DC_DIR/resolved")" = "$(dc_resolved_key)" ] &&
		[ -f "$DC_DIR/.stamp" ] || return 1
	mapfile -t PKGS < <(tail -n +2 "$DC_DIR/resolved")
	[ "$(cat "$DC_DIR/.stamp")" = "$(dc_stamp_want)" ] && [ -f "$DC_DIR/packages" ] && "$1"
}

dc_have_lists() {
	apt-cache show --no-all-versions "$DC_TOP:$DC_ARCH" >/dev/null 2>&1
}

# dc_records NAME...: "name version arch deps" for each package, deps
# being the first alternative of each Depends and Pre-Depends entry,
# space separated, without versions or :any; arch is the package's own
# ($DC_ARCH or all: the file name apt-get download gives it). Dies on a
# name apt does not know (a virtual package first in an alternative, or
# lists without it).
dc_records() {
	local q=() n
	for n in "$@"; do q+=("$n:$DC_ARCH"); done
	apt-cache show --no-all-versions "${q[@]}" 2>"$DC_DIR/apt-cache.log" | awk '
		function deps(s,   n, i, a, d, out) {
			n = split(s, a, ",")
			for (i = 1; i <= n; i++) {
				d = a[i]
				sub(/\|.*/, "", d)		# first alternative
				sub(/\(.*/, "", d)		# version constraint
				gsub(/[ \t]/, "", d)
				sub(/:any$/, "", d)
				out = out " " d
			}
			return out
		}
		/^Package: /      { p = $2 }
		/^Version: /      { v = $2 }
		/^Architecture: / { a = $2 }
		/^Depends: /      { sub(/^Depends: /, ""); dep = dep deps($0) }
		/^Pre-Depends: /  { sub(/^Pre-Depends: /, ""); dep = dep deps($0) }
		/^$/ { if (p != "") print p, v, a dep; p = ""; dep = "" }
		END  { if (p != "") print p, v, a dep }' ||
		die "apt-cache show failed for: $*" "$(cat "$DC_DIR/apt-cache.log")"
}

# dc_resolve: PKGS, "name version arch" for $DC_TOP and its library closure.
dc_resolve() {
	dc_have_lists || apt_update
	local -A seen=() ver=() arch=()
	local todo=("$DC_TOP") next name v a d deps out
	PKGS=()
	seen[$DC_TOP]=1
	while [ "${#todo[@]}" -gt 0 ]; do
		next=()
		out=$(dc_records "${todo[@]}")
		while read -r name v a deps; do
			ver[$name]=$v arch[$name]=$a
			for d in $deps; do
				# Only shared-library packages: lib*, and zlib1g.
				case $d in
				lib* | zlib1g) ;;
				*) continue ;;
				esac
				[ -n "${seen[$d]:-}" ] && continue
				seen[$d]=1
				next+=("$d")
			done
		done <<<"$out"
		for name in "${todo[@]}"; do
			[ -n "${ver[$name]:-}" ] ||
				die "apt knows no $DC_ARCH package $name (needed by the $DC_TOP closure)" \
					"see ${DC_DIR#"$ROOT"/}/apt-cache.log; a virtual package needs a rule here"
		done
		todo=("${next[@]}")
	done
	for name in "${!ver[@]}"; do PKGS+=("$name ${ver[$name]} ${arch[$name]}"); done
	mapfile -t PKGS < <(printf '%s\n' "${PKGS[@]}" | LC_ALL=C sort)
}

# dc_deb_file "NAME VERSION ARCH": the cache path apt-get download gives
# it (the epoch's colon URL-encoded).
dc_deb_file() {
	local name v a
	read -r name v a <<<"$1"
	printf '%s/%s_%s_%s.deb\n' "$DC_CACHE" "$name" "${v//:/%3a}" "$a"
}

dc_download() { # "NAME VERSION ARCH"...
	local tmp rc=0 p name v a q=()
	for p in "$@"; do
		read -r name v a <<<"$p"
		q+=("$name:$DC_ARCH=$v")
	done
	tmp=$(mktemp -d "$DC_CACHE/.partial.XXXXXX")
	log "downloading ${#q[@]} packages ($DC_ARCH)"
	(cd "$tmp" && apt-get -q download "${q[@]}") >"$DC_DIR/download.log" 2>&1 || rc=$?
	# Only complete files go into the cache (apt writes in place).
	[ "$rc" -ne 0 ] || find "$tmp" -maxdepth 1 -name '*.deb' -exec mv -f {} "$DC_CACHE/" \;
	rm -rf "$tmp"
	return "$rc"
}

dc_fetch_missing() {
	local p need=()
	for p in "${PKGS[@]}"; do
		[ -s "$(dc_deb_file "$p")" ] || need+=("$p")
	done
	[ "${#need[@]}" -eq 0 ] || dc_download "${need[@]}"
}

dc_fetch() {
	local log=${DC_DIR#"$ROOT"/}/download.log
	dc_resolve
	if ! dc_fetch_missing; then
		# Stale lists name files the (security) archive no longer has.
		[ "$APT_UPDATED" -eq 0 ] || die "apt-get download failed (see $log)"
		apt_update
		dc_resolve
		dc_fetch_missing || die "apt-get download failed (see $log)"
	fi
	{ dc_resolved_key; printf '%s\n' "${PKGS[@]}"; } >"$DC_DIR/resolved"
}

dc_unpack() { # NEW
	local p f
	rm -rf "$1"
	mkdir -p "$1"
	log "unpacking ${#PKGS[@]} packages into ${DC_DIR#"$ROOT"/}/root"
	for p in "${PKGS[@]}"; do
		f=$(dc_deb_file "$p")
		dpkg-deb --info "$f" >/dev/null 2>&1 ||
			die "${f##*/} is not a valid .deb (interrupted download?)" "remove it and run again"
		dpkg -x "$f" "$1" || die "dpkg -x ${f##*/} failed"
	done
}

dc_install() { # NEW
	rm -rf "$DC_DIR/root"
	mv -T "$1" "$DC_DIR/root"
	printf '%s\n' "${PKGS[@]}" >"$DC_DIR/packages"
	dc_stamp_want >"$DC_DIR/.stamp"
}
