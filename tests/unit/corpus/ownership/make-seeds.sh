#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Write the seed inputs of fuzz_ownership into this directory (committed;
# run again after changing the input encoding of fuzz_ownership.c). Each
# seed is a short sequence that reaches states random bytes rarely do:
# pinned shares, hyp shares of donated pages, donations across a 2 MiB
# block of the host stage-2, boot pages before the stage-2, module
# restrictions (and the transitions they refuse) before and after it.
#
# Encoding (see step() in fuzz_ownership.c): one config byte (layout =
# cfg % 3, 0x80 = roomy pool, 0x40 = build the stage-2 first), then six
# bytes per op: op, pfn selector (2, little endian), range, flags, fault
# (for SET_PROT: the prot, 0 none, 1 R, 2 RW, 3 RX, 4 RWX).
set -eu
cd "$(dirname "$0")"

# op numbers: enum op in fuzz_ownership.c
DONATE_R=0 DONATE_C=1 DONATE_PRIV=2 HYP_DONATE_HOST=3 RECLAIM=4 CLAIM=5
SHARE=6 UNSHARE=7 HYP_SHARE=8 HYP_UNSHARE=9 PIN=10 UNPIN=11 MARK_BOOT=12
BUILD_S2=13 FAULT=14 SET_PROT=15
# flags: a new range into slot 0 / reuse slot 0; undo at once or not
NEW=0x10 SAME=0x18 NEW_UNDO=0x00

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

NR=5	# layout 0 (ram_edges): 4 regions
{ byte 0x80
  op $SHARE 1 20 "$(few 3)" $NEW
  op $PIN 1 0 0 $SAME; op $PIN 1 0 0 $SAME; op $UNPIN 1 0 0 $SAME
  op $UNSHARE 1 0 0 $SAME; op $UNPIN 1 0 0 $SAME; op $UNSHARE 1 0 0 $SAME
  op $BUILD_S2 0 0 0 $NEW
  op $SHARE 3 0 "$(few 8)" $NEW_UNDO
  op $PIN 3 0 "$(few 8)" $NEW; op $UNSHARE 3 0 0 $SAME
} >share-pin.bin

{ byte 0xc0
  op $DONATE_R 0 2 $((0x20 | 21)) $NEW
  op $HYP_SHARE 0 0 0 $SAME; op $FAULT 0 0 0 $SAME 0x11
  op $HYP_UNSHARE 0 0 0 $SAME; op $CLAIM 0 0 0 $SAME
  op $RECLAIM 0 0 0 $SAME; op $HYP_DONATE_HOST 0 0 0 $SAME
  op $DONATE_R 0 300 "$(few 2)" $NEW_UNDO
  op $DONATE_C 2 0 "$(few 1)" $NEW_UNDO
  op $FAULT 4 0 "$(few 1)" $NEW 0x08
} >donate-block.bin

NR=2	# layout 1 (ram_blocks): 1 region
{ byte 0xc1
  op $DONATE_PRIV 0 100 "$(few 4)" $NEW; op $HYP_SHARE 0 0 0 $SAME
  op $HYP_DONATE_HOST 0 0 0 $SAME
  op $DONATE_C 0 511 "$(few 2)" $NEW_UNDO
  op $MARK_BOOT 0 0 "$(few 1)" $NEW
} >private.bin

# restrict and lift at once (first page, across the 2 MiB line); a
# restriction that refuses a donation, changes, faults, then is lifted
{ byte 0xc1
  op $SET_PROT 0 0 "$(few 1)" $NEW_UNDO 1
  op $SET_PROT 0 511 "$(few 2)" $NEW_UNDO 0
  op $SET_PROT 0 0 $((0x20 | 21)) $NEW 3
  op $DONATE_R 0 0 0 $SAME; op $SET_PROT 0 0 0 $SAME 0
  op $FAULT 0 0 0 $SAME 0x11; op $SET_PROT 0 0 0 $SAME 4
} >restrict.bin

# restrictions before the stage-2 exists, which the build must honour
{ byte 0x81
  op $SET_PROT 0 500 $((0x20 | 2)) $NEW 2
  op $MARK_BOOT 0 0 0 $SAME; op $BUILD_S2 0 0 0 $NEW
  op $SET_PROT 0 0 0 $SAME 4
} >restrict-boot.bin

NR=3	# layout 2 (ram_1g_line): 2 regions
{ byte 0x12
  op $MARK_BOOT 1 250 "$(few 8)" $NEW
  op $BUILD_S2 0 0 0 $NEW
  op $FAULT 2 0 0 $NEW 0x04; op $FAULT 2 0 0 $NEW 0x0c
  op $DONATE_R 0 0 $((0x20 | 12)) $NEW_UNDO
} >boot-small-pool.bin
