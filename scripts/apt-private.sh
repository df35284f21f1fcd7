# shellcheck shell=bash
# scripts/apt-private.sh - the private apt configurations under
# .deps/apt/<suite>/, sourced (bash) by scripts/setup.sh (the selected
# kernel's suite) and scripts/get-vmm.sh (bookworm, whose QEMU 7.2 is the
# inner VMM whatever the kernel). Each configuration has the amd64 and
# arm64 package lists of <suite>, <suite>-updates and <suite>-security,
# its own state and cache; the machine's /etc/apt and dpkg state are never
# read or touched. Used only to resolve and download packages.
#
# The sourcing script defines DEPS (the .deps folder) and the functions
# log MSG and die MSG [MORE-LINES...]. This file defines:
#   MIRROR, SECURITY_MIRROR, KEYRING   the Debian archive and its keys
#   apt_private SUITE    write .deps/apt/SUITE/ (files rewritten only when
#                        their content changes), set APTDIR and export
#                        APT_CONFIG for every later apt-get/apt-cache call
#   apt_update           apt-get update of that configuration, once per run
#                        (APT_UPDATED=1 afterwards)

MIRROR=http://deb.debian.org/debian
SECURITY_MIRROR=http://deb.debian.org/debian-security
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# write_if_changed FILE < CONTENT: apt rebuilds its package cache (a few
# seconds) whenever its sources list is newer than the cache.
write_if_changed() {
	local new
	new=$(cat)
	[ "$(cat "$1" 2>/dev/null)" = "$new" ] || printf '%s\n' "$new" >"$1"
}

apt_private() { # SUITE
	APT_SUITE=$1
	APTDIR=$DEPS/apt/$APT_SUITE
	APT_UPDATED=0
	mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" \
		"$APTDIR/parts" "$APTDIR/sources.list.d" "$APTDIR/preferences.d"
	[ -e "$APTDIR/status" ] || : >"$APTDIR/status"
	local opt="[arch=amd64,arm64 signed-by=$KEYRING]"
	write_if_changed "$APTDIR/sources.list" <<-EOF
		deb $opt $MIRROR $APT_SUITE main
		deb $opt $MIRROR $APT_SUITE-updates main
		deb $opt $SECURITY_MIRROR $APT_SUITE-security main
	EOF
	# As root, apt-get download would otherwise drop privileges to _apt
	# and then warn that _apt cannot write into our cache folder.
	local sandbox=
	[ "$(id -u)" -ne 0 ] || sandbox='APT::Sandbox::User "root";'
	# Dir::Etc::Parts: no apt.conf.d snippets from the machine either.
	write_if_changed "$APTDIR/apt.conf" <<-EOF
		Dir::Etc::Parts "$APTDIR/parts";
		Dir::Etc::SourceList "$APTDIR/sources.list";
		Dir::Etc::SourceParts "$APTDIR/sources.list.d";
		Dir::Etc::Preferences "/dev/null";
		Dir::Etc::PreferencesParts "$APTDIR/preferences.d";
		Dir::State "$APTDIR";
		Dir::State::Lists "$APTDIR/lists";
		Dir::State::status "$APTDIR/status";
		Dir::Cache "$APTDIR/cache";
		Dir::Cache::pkgcache "$APTDIR/cache/pkgcache.bin";
		Dir::Cache::srcpkgcache "";
		APT::Architecture "amd64";
		APT::Architectures { "amd64"; "arm64"; };
		Acquire::Languages "none";
		$sandbox
	EOF
	export APT_CONFIG=$APTDIR/apt.conf
}

apt_update() {
	[ "$APT_UPDATED" -eq 1 ] && return 0
	log "apt-get update ($APT_SUITE, private lists in .deps/apt/$APT_SUITE)"
	apt-get -q update >"$APTDIR/update.log" 2>&1 ||
		die "apt-get update of $APT_SUITE failed (see .deps/apt/$APT_SUITE/update.log)" \
			"$MIRROR must be reachable"
	APT_UPDATED=1
}
