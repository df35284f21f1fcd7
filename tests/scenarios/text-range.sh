# modules/text_range, written as ACK's own modules in drivers/misc are
# (android15-6.6): its events header named by its path in ACK's tree,
# and kvm_get_kernel_pa() giving its EL2 code the kernel text's physical
# range before loading. At EL2 the module reports that range, and the
# text's first instruction read through the hypervisor's fixmap, in its
# hyp event, which reaches /sys/kernel/tracing/hyp/trace; the range is the
# kernel text's, _stext to _etext (_stext's physical address: on 6.12
# its distance from _sdata in /proc/kallsyms and where /proc/iomem's
# "Kernel data" starts; 6.1's kallsyms has no _sdata, and its "Kernel
# code" starts at _stext), and EL2 reads what EL1 reads there.
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=text_range
. /lib/pkvmkit/guest.sh
guest_setup

T=/sys/kernel/tracing/hyp
E=$T/events/hyp/text_range
D=/sys/kernel/debug/text_range

pk_load
pk_wait_deprivileged
t_eq "text_range was loaded from the command line" "text_range loaded" \
	"$(cat $PK_SYS/protected_modules)"
grep -q ' /sys/kernel/tracing ' /proc/mounts ||
	mount -t tracefs nodev /sys/kernel/tracing
i=0
while [ ! -e $T/trace ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

echo "# kvm_get_kernel_pa(), at EL1"
# "start=0x... end=0x... insn=0x..." as EL1 sees it
el1=$(cat $D)
t_diag "EL1: $el1"
# sym NAME: NAME's address in /proc/kallsyms (hex, no 0x)
sym() {
	sed -n "s/^\([0-9a-f]*\) . $1\$/\1/p" /proc/kallsyms | head -1
}
# iomem START NAME: where /proc/iomem's resource NAME starts (hex, no 0x)
iomem() {
	sed -n "s/^ *\([0-9a-f]*\)-[0-9a-f]* : $1\$/\1/p" /proc/iomem
}
if [ -n "$(sym _sdata)" ]; then
	stext=$((0x$(iomem 'Kernel data') - (0x$(sym _sdata) - 0x$(sym _stext))))
else	# 6.1's kallsyms has no _sdata; "Kernel code" starts at _stext
	stext=$((0x$(iomem 'Kernel code')))
fi
etext=$((stext + (0x$(sym _etext) - 0x$(sym _stext))))
t_eq "the range is the kernel text's, _stext to _etext" \
	"$(printf 'start=0x%x end=0x%x' $stext $etext)" "${el1% insn=*}"

echo "# its hyp event, named by ACK's in-tree path"
t_check "events/hyp/text_range has enable, id and format" \
	test -f $E/enable -a -f $E/id -a -f $E/format
t_check "  its format lists start, end and insn" \
	sh -c "grep -q 'field:u64 start;' $E/format && grep -q 'field:u64 end;' $E/format &&
	       grep -q 'field:u32 insn;' $E/format"
echo > $T/trace
echo 1 > $D
t_eq "disabled: the report writes nothing" 0 "$(grep -vc '^#' $T/trace)"
echo 1 > $E/enable
t_check "the report, a module call" sh -c "echo 1 > $D"
rec=$(grep 'text_range:' $T/trace)
t_diag "EL2: $rec"
t_eq "one record in /sys/kernel/tracing/hyp/trace" 1 "$(echo "$rec" | grep -c .)"
t_eq "  EL2 has the range EL1 gave it, and reads what EL1 reads there" \
	"$el1" "$(echo "$rec" | sed -n 's/.* text_range: //p')"
echo 0 > $E/enable
t_eq "the system is secure" 1 "$(cat $PK_SYS/secure)"
guest_finish
