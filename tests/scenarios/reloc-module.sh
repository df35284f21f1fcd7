# A module whose EL2 code lives on absolute pointers (function and string
# tables in .rodata and .data, .bss state behind a .data pointer): loaded
# from the command line, every handler answers correctly on every CPU with
# arguments in x1..x7 and results in x1..x3; its pages are the
# hypervisor's: the host can neither read nor write them.
#@ boot cortex-a72 4 1G
#@ boot max 2 1G
#@ append kvm-arm.protected_modules=pkvm_reloc_test
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
t_check "handlers registered as 128..131" \
	sh -c "dmesg | grep -q 'pkvm_reloc_test: handlers 128 129 130 131'"
t_check "EL2 init printed through ops->puts" \
	grep -q "pkvm_reloc_test: EL2 init" $PK_DBG/log
# its four handlers, registered in this order (ids from HC_FIRST_DYNAMIC)
OP=$(pk_hc_id $HC_FIRST_DYNAMIC) ARGS=$(pk_hc_id $((HC_FIRST_DYNAMIC + 1)))
NAME=$(pk_hc_id $((HC_FIRST_DYNAMIC + 2))) STATE=$(pk_hc_id $((HC_FIRST_DYNAMIC + 3)))
ncpus=$(grep -c ^processor /proc/cpuinfo)
calls=0
cpu=0
while [ $cpu -lt "$ncpus" ]; do
	r=$(pk_hvc cpu $cpu $OP 0 40 2); calls=$((calls + 1))
	t_eq "cpu$cpu: add via .rodata and .data tables" \
		"0x0 0x2a 0x2a $(printf %#x $calls)" "$r"
	r=$(pk_hvc cpu $cpu $OP 2 6 7); calls=$((calls + 1))
	t_eq "cpu$cpu: mul" "0x0 0x2a 0x2a $(printf %#x $calls)" "$r"
	r=$(pk_hvc cpu $cpu $OP 3 0xff00 0x0ff0); calls=$((calls + 1))
	t_eq "cpu$cpu: xor" "0x0 0xf0f0 0xf0f0 $(printf %#x $calls)" "$r"
	r=$(pk_hvc cpu $cpu $OP 9 1 1); calls=$((calls + 1))
	t_eq "cpu$cpu: bad op: INVALID_PARAMETER" 0xfffffffffffffffd "${r%% *}"
	r=$(pk_hvc cpu $cpu $ARGS 1 2 3 4 5 6 7); calls=$((calls + 1))
	t_eq "cpu$cpu: seven arguments in, three results out" "0x0 0x1c 0x0 0x6" "$r"
	r=$(pk_hvc cpu $cpu $NAME 1); calls=$((calls + 1))
	t_eq "cpu$cpu: string through a relocated pointer (\"beta\", \"sub\")" \
		"0x0 0x61746562 0x4 0x73" "$r"
	r=$(pk_hvc cpu $cpu $STATE); calls=$((calls + 1))
	t_eq "cpu$cpu: .bss state kept across calls; ops kept by init" \
		"0x0 $(printf %#x $calls) 0x1" "$(echo "$r" | cut -d' ' -f1-3)"
	cpu=$((cpu + 1))
done

TOUCH=/root/hyp-mem-touch
t_eq "the host cannot read the module's EL2 text" SIGBUS \
	"$($TOUCH $PK_DBG/module_mem read 0)"
t_eq "nor write its EL2 data" SIGBUS "$($TOUCH $PK_DBG/module_mem write 3)"
t_eq "still answering" "0x0 0x2a" "$(pk_hvc_x0x1 $OP 0 40 2)"

guest_finish
