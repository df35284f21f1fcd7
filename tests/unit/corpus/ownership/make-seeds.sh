#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Write the seed inputs of fuzz_ownership into this directory (committed;
# run again after changing the input encoding of fuzz_ownership.c). Each
# seed is a short sequence that reaches states random bytes rarely do:
# pinned shares, hyp shares of donated pages, donations across a 2 MiB
# block of the host stage-2, boot pages before the stage-2, module
# restrictions (and the transitions they refuse) before and after it,
# a guest's pages through every guest transition, two guests, guests whose
# pools run dry, frames a guest call must refuse, pages the host reclaims
# from a guest and donates again over the LOST marks they leave.
#
# Encoding (see step() and guest_up() in fuzz_ownership.c): one config
# byte (layout = cfg % 3, 0x80 = roomy pool, else 2 + (cfg >> 2) % 24
# pages, 0x40 = build the stage-2 first; cfg() below finds it), two guest config bytes (pool size class in bits 0-2, 7 = 128
# pages; input range class in bits 3-4, 0 = 32 bits ... 3 = 48; 0x20 =
# understate free tables; first byte only: 0x40 = id 0x8001 rather than 0,
# 0x80 = a second guest), then six bytes per op: op, pfn selector (2,
# little endian), range, flags, fault (for SET_PROT: the prot, 0 none,
# 1 R, 2 RW, 3 RX, 4 RWX). A guest op (GUEST) has its frame selector where
# the range is, and its last byte is guest op | guest << 4 | pfn mode << 5.
set -eu
cd "$(dirname "$0")"

# op numbers: enum op in fuzz_ownership.c
DONATE_R=0 DONATE_C=1 DONATE_PRIV=2 HYP_DONATE_HOST=3 RECLAIM=4 CLAIM=5
SHARE=6 UNSHARE=7 HYP_SHARE=8 HYP_UNSHARE=9 PIN=10 UNPIN=11 MARK_BOOT=12
BUILD_S2=13 FAULT=14 SET_PROT=15 GUEST=16
# guest ops: enum own_guest_op; 12 and 13 no such op, 14 no guest, 15 no
# stage-2
G_DONATE=0 G_SHARE=1 G_UNSHARE=2 G_SHARE_HOST=3 G_UNSHARE_HOST=4 G_RETURN=5
G_RECLAIM=6 G_BAD=12 G_NO_GUEST=14
# pfn modes (pick_guest_pfn): 0 near RAM, 3 this guest's, 5 any guest's,
# 7 far off RAM; frames (pick_gfn): 0x00 the page's own, 0x60 | n another
# page's of this guest (n < 16), 0x70 | n its n-th LOST mark (else as
# 0x60 | n), 0x80 | n own + n - 16, 0xa0 | n the guest's last - n,
# 0xc0 | n beyond its range + n, 0xe0 | n odd value n (0 to 7)
OWN=0x00 LOST=0x70
# flags: a new range into slot 0 / reuse slot 0; undo at once or not
NEW=0x10 SAME=0x18 NEW_UNDO=0x00 SAME_UNDO=0x08

# shellcheck disable=SC2059 # the format is the byte's octal escape
byte() { printf "\\$(printf %03o $(($1 & 255)))"; }

# op OP REGION OFFSET RANGE FLAGS [FAULT]: REGION of the layout's NR
# regions (NR = region count + 1 means "anywhere near RAM").
op() {
	sel=$(($2 + NR * (8 + $3)))
	byte "$1"; byte $sel; byte $((sel >> 8)); byte "$4"; byte "$5"; byte "${6:-1}"
}

# few pages: 0x80 | (n - 1), n <= 8; many: 0x20 | k, 1 + 24 * k pages
few() { echo $((0x80 | ($1 - 1))); }

# gop GOP GUEST PFNMODE REGION OFFSET FRAME FLAGS: a guest op
gop() {
	op $GUEST "$4" "$5" "$6" "$7" $(($1 | $2 << 4 | $3 << 5))
}

# The guests of the seeds before guests came: one, roomy, never called.
no_guests() { byte 0x07; byte 0; }

# cfg LAYOUT BUILD POOL: the config byte for layout LAYOUT (cfg % 3), the
# stage-2 built first (BUILD 1) or not (0), and a pool of POOL pages (2 to
# 25; 0 for the roomy one)
cfg() {
	c=0
	while [ $c -lt 256 ]; do
		if [ $((c % 3)) -eq "$1" ] && [ $((c >> 6 & 1)) -eq "$2" ] &&
		   { { [ "$3" -eq 0 ] && [ $((c & 0x80)) -ne 0 ]; } ||
		     { [ $((c & 0x80)) -eq 0 ] &&
		       [ $((2 + (c >> 2) % 24)) -eq "$3" ]; }; }; then
			byte $c
			return
		fi
		c=$((c + 1))
	done
	echo "make-seeds.sh: no config byte for cfg $*" >&2
	exit 1
}

NR=5	# layout 0 (ram_edges): 4 regions
{ cfg 0 0 0; no_guests
  op $SHARE 1 20 "$(few 3)" $NEW
  op $PIN 1 0 0 $SAME; op $PIN 1 0 0 $SAME; op $UNPIN 1 0 0 $SAME
  op $UNSHARE 1 0 0 $SAME; op $UNPIN 1 0 0 $SAME; op $UNSHARE 1 0 0 $SAME
  op $BUILD_S2 0 0 0 $NEW
  op $SHARE 3 0 "$(few 8)" $NEW_UNDO
  op $PIN 3 0 "$(few 8)" $NEW; op $UNSHARE 3 0 0 $SAME
} >share-pin.bin

{ cfg 0 1 0; no_guests
  op $DONATE_R 0 2 $((0x20 | 21)) $NEW
  op $HYP_SHARE 0 0 0 $SAME; op $FAULT 0 0 0 $SAME 0x11
  op $HYP_UNSHARE 0 0 0 $SAME; op $CLAIM 0 0 0 $SAME
  op $RECLAIM 0 0 0 $SAME; op $HYP_DONATE_HOST 0 0 0 $SAME
  op $DONATE_R 0 300 "$(few 2)" $NEW_UNDO
  op $DONATE_C 2 0 "$(few 1)" $NEW_UNDO
  op $FAULT 4 0 "$(few 1)" $NEW 0x08
} >donate-block.bin

NR=2	# layout 1 (ram_blocks): 1 region
{ cfg 1 1 0; no_guests
  op $DONATE_PRIV 0 100 "$(few 4)" $NEW; op $HYP_SHARE 0 0 0 $SAME
  op $HYP_DONATE_HOST 0 0 0 $SAME
  op $DONATE_C 0 511 "$(few 2)" $NEW_UNDO
  op $MARK_BOOT 0 0 "$(few 1)" $NEW
} >private.bin

# restrict and lift at once (first page, across the 2 MiB line); a
# restriction that refuses a donation, changes, faults, then is lifted
{ cfg 1 1 0; no_guests
  op $SET_PROT 0 0 "$(few 1)" $NEW_UNDO 1
  op $SET_PROT 0 511 "$(few 2)" $NEW_UNDO 0
  op $SET_PROT 0 0 $((0x20 | 21)) $NEW 3
  op $DONATE_R 0 0 0 $SAME; op $SET_PROT 0 0 0 $SAME 0
  op $FAULT 0 0 0 $SAME 0x11; op $SET_PROT 0 0 0 $SAME 4
} >restrict.bin

# restrictions before the stage-2 exists, which the build must honour
{ cfg 1 0 0; no_guests
  op $SET_PROT 0 500 $((0x20 | 2)) $NEW 2
  op $MARK_BOOT 0 0 0 $SAME; op $BUILD_S2 0 0 0 $SAME
  op $SET_PROT 0 0 0 $SAME 4
} >restrict-boot.bin

NR=3	# layout 2 (ram_1g_line): 2 regions
# (12 pages: the linear map's root, the 10 the build reserves, one more)
{ cfg 2 0 12; no_guests
  op $MARK_BOOT 1 240 "$(few 8)" $NEW
  op $BUILD_S2 0 0 0 $NEW
  op $FAULT 2 0 0 $NEW 0x04; op $FAULT 2 0 0 $NEW 0x0c
  op $DONATE_R 0 0 $((0x20 | 10)) $NEW_UNDO
} >boot-small-pool.bin

NR=2	# layout 1 (ram_blocks): 1 region
# one guest, roomy, 40 bits: a page through every transition (undone at
# once where there is an inverse), the host refused its pages, at the
# last page of a 2 MiB block and the first of the next
{ cfg 1 1 0; byte 0x17; byte 0
  gop $G_DONATE 0 0 0 10 $OWN $NEW_UNDO
  gop $G_DONATE 0 0 0 10 $OWN $NEW
  gop $G_SHARE_HOST 0 0 0 0 $OWN $SAME; gop $G_UNSHARE_HOST 0 0 0 0 $OWN $SAME
  gop $G_SHARE_HOST 0 0 0 0 $OWN $NEW_UNDO
  op $DONATE_R 0 0 "$(few 1)" $SAME; op $SET_PROT 0 0 0 $SAME 1
  op $FAULT 0 0 0 $SAME 0x11
  gop $G_RETURN 0 0 0 0 $OWN $SAME
  gop $G_DONATE 0 0 0 511 $OWN $NEW; gop $G_DONATE 0 0 0 512 $OWN $NEW
  gop $G_RETURN 0 3 0 0 $OWN $NEW_UNDO
  gop $G_SHARE 0 0 0 20 $OWN $NEW_UNDO
  gop $G_SHARE 0 0 0 20 $OWN $NEW; op $DONATE_R 0 0 0 $SAME
  gop $G_UNSHARE 0 0 0 0 $OWN $SAME
} >guest-one.bin

# two guests (the second on a 3-page pool, 32 bits): each refused the
# other's pages and frames, a shared page returned by the wrong guest
{ cfg 1 1 0; byte 0x9f; byte 0x02
  gop $G_DONATE 0 0 0 40 $OWN $NEW
  gop $G_DONATE 1 0 0 0 $OWN $SAME
  gop $G_SHARE 1 0 0 41 $OWN $NEW
  gop $G_RETURN 0 5 0 1 $OWN $NEW; gop $G_UNSHARE 0 5 0 1 $OWN $NEW
  gop $G_DONATE 1 0 0 42 $((0x60)) $NEW
  gop $G_SHARE_HOST 1 5 0 0 $OWN $NEW
  gop $G_UNSHARE 1 3 0 0 $OWN $NEW_UNDO
  gop $G_BAD 0 0 0 43 $OWN $NEW; gop $G_NO_GUEST 0 0 0 43 $OWN $NEW
} >guest-two.bin

NR=5	# layout 0 (ram_edges): 4 regions
# guests that run dry: a pool of only the root (every map -ENOMEM), one of
# six pages understating them at 48 bits (one map, then -ENOMEM); frames
# at the top, beyond it and odd ones, pages off RAM
{ cfg 0 1 0; byte 0xa0; byte 0x3c
  gop $G_DONATE 0 0 0 3 $OWN $NEW
  gop $G_DONATE 1 0 0 3 $((0xa0)) $NEW
  gop $G_DONATE 1 0 0 4 $((0xa1)) $NEW
  gop $G_DONATE 1 0 0 5 $((0xc0)) $NEW
  gop $G_DONATE 1 0 0 5 $((0xe1)) $NEW
  gop $G_DONATE 1 0 0 5 $((0xe3)) $NEW
  gop $G_SHARE 1 0 0 6 $((0xe5)) $NEW_UNDO
  gop $G_DONATE 1 7 0 1 $OWN $NEW
  gop $G_SHARE 1 0 0 $((-1)) $OWN $NEW
  gop $G_RETURN 1 3 0 0 $OWN $NEW_UNDO
} >guest-dry.bin

NR=2	# layout 1 (ram_blocks): 1 region
# a host pool of 9 pages: the linear map's root, the 7 the stage-2 build
# reserves, one more: a donation into one 2 MiB block takes its slot, one
# into the other gets -ENOMEM until the first page comes back
{ cfg 1 1 9; byte 0x07; byte 0
  gop $G_DONATE 0 0 0 10 $OWN $NEW_UNDO
  gop $G_DONATE 0 0 0 10 $OWN $NEW
  gop $G_DONATE 0 0 0 600 $OWN $NEW
  gop $G_SHARE 0 0 0 601 $OWN $NEW_UNDO
  gop $G_RETURN 0 0 0 10 $OWN $NEW
  gop $G_DONATE 0 0 0 600 $OWN $NEW_UNDO
} >guest-host-slot.bin

# the host reclaims a guest's page: undone at once (a donation at its
# frame), then for good; the page donated again over its LOST mark
# (undone by a reclaim, which puts the mark back), another page too; a
# third refused a call at the mark; a share over the mark, undone (the
# frame left empty); a reclaim from GUEST_SHARED_HOST
{ cfg 1 1 0; byte 0x17; byte 0
  gop $G_DONATE 0 0 0 10 $OWN $NEW
  gop $G_RECLAIM 0 0 0 0 $OWN $SAME_UNDO
  gop $G_RECLAIM 0 0 0 0 $OWN $SAME
  gop $G_DONATE 0 0 0 0 $OWN $SAME_UNDO
  gop $G_DONATE 0 0 0 20 $LOST $NEW_UNDO
  gop $G_DONATE 0 0 0 30 $OWN $NEW
  gop $G_SHARE_HOST 0 0 0 0 $LOST $SAME
  gop $G_SHARE 0 0 0 20 $LOST $NEW_UNDO
  gop $G_DONATE 0 0 0 10 $OWN $NEW
  gop $G_SHARE_HOST 0 0 0 0 $OWN $SAME
  gop $G_RECLAIM 0 0 0 0 $OWN $SAME
} >guest-reclaim.bin
