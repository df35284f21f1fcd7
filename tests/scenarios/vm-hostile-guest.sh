# A hostile guest of Debian's QEMU, from inside its own (Debian) kernel:
# pkvmkit_guest.ko's hostile command (task hostile, docs/vmm.md) makes
# random HVCs and SMCs (PSCI, SMCCC, KVM's and pKVM's, TRNG, SiP, any
# owner; never a call that ends it), accesses guest-physical pages outside
# its RAM (among its devices, elsewhere in its IPA space, beyond it),
# pKVM's page calls on pages of its own and the MMIO guard, and every
# trapped system register the hypervisor emulates, round after round;
# then the accesses that must be undefined instructions, each oopsing a
# process of its own. Beside it a protected witness VM holds a secret.
# The guest may die; afterwards the hypervisor answers, the witness kept
# its secret, the host runs a new VM, and every page state and the pool
# are back where they were.
#
# 6.1 only: what is tested is the hypervisor's and the driver's (the same
# on both kernels); the hostile guest kernel only drives it, and two inner
# VMs cost minutes. Measured on 2 cores: 200 rounds took the hostile
# guest's QEMU 93 s (the whole boot 2m18s) on an idle machine and 222 s
# (4m33s) beside other QEMUs; 120 rounds took 87 s (1m57s) idle, most of
# it the inner kernel's boot and its four oopses (every character of
# them an exit), so fewer rounds would save little.
#@ boot cortex-a72 2 1G
#@ kernel 6.1
#@ vmm
#@ timeout 600
. /lib/pkvmkit/guest.sh
guest_setup
. /lib/pkvmkit/vm.sh

ROUNDS=120

# No IOMMU on this machine, so DMA is not protected: protected VMs run
# only with the administrator's say-so (docs/dma-isolation.md).
pk_load allow_unprotected_dma=1
pk_wait_deprivileged

BEFORE=$(pk_vm_pages)
t_diag "before: $BEFORE"
echo 1 >/sys/module/pkvmkit/parameters/vm_protected

# The witness: a protected VM holding a secret until told to stop.
WLOG=/tmp/witness.log
pk_vm_start --task secret --append "pkvmkit_guest.secs=500" --log "$WLOG" \
	--timeout 550
if pk_vm_wait_line 'secret waiting' 400 "$WLOG" >/dev/null; then
	t_ok "a protected witness VM holds a secret ($(pk_vm_field "$(pk_vm_line secret "$WLOG")" token))"
else
	t_fail "a protected witness VM holds a secret" "$(pk_vm_log_diag "$WLOG")"
fi

# The hostile guest, protected too, to its end or its death.
HLOG=/tmp/hostile.log
SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
t_diag "hostile guest: $ROUNDS rounds, seed $SEED (pkvmkit_guest.seed= replays it)"
start=$(cut -d. -f1 /proc/uptime)
pk_vm_run --smp 2 --task hostile --log "$HLOG" --timeout 300 \
	--append "pkvmkit_guest.rounds=$ROUNDS pkvmkit_guest.seed=$SEED"
rc=$?
t_diag "its QEMU ran $(($(cut -d. -f1 /proc/uptime) - start)) s"
t_check "QEMU of the hostile guest exited (status $rc: 0 after its poweroff or panic, 124 killed after 300 s)" \
	sh -c "[ $rc -eq 0 ] || [ $rc -eq 124 ]"
# Its last report (one after each batch of rounds: each counts them all)
report=$(pk_vm_lines hostile "$HLOG" |
	awk '/^rounds=/ { n = 0 } { l[n++] = $0 } END { for (i = 0; i < n; i++) print l[i] }')
printf '%s\n' "$report" | sed 's/^/# hostile /'
if ! t_eq "  it ran its rounds" "$ROUNDS" \
	"$(pk_vm_field "$(printf '%s\n' "$report" | head -n1)" rounds)"; then
	pk_vm_log_diag "$HLOG"
fi
# field WHAT KEY: KEY's count on the report's "WHAT ..." line
field() {
	printf '%s\n' "$report" | sed -n "s/^$1 //p" | head -n1 |
		tr ' ' '\n' | sed -n "s/^$2=//p"
}
# every range of ids was called, by both conduits
ranges=0
for c in hvc smc; do
	for r in psci arch kvm trng std sip owner any; do
		[ "$(field "calls conduit=$c" $r)" -gt 0 ] 2>/dev/null &&
			ranges=$((ranges + 1))
	done
done
t_eq "  random HVCs ($(field "calls conduit=hvc" n)) and SMCs ($(field "calls conduit=smc" n)) in every range" \
	16 "$ranges"
t_eq "  x4..x17 kept across every call (SMCCC 1.1)" 0 "$(field regs clobbered)"
t_eq "  an HVC with an immediate: NOT_SUPPORTED, each time" 0 "$(field regs imm_bad)"
t_eq "  PSCI 1.1 throughout" 0 "$(field regs psci_bad)"
places=0
for w in low high beyond; do
	[ "$(field ipa $w)" -gt 0 ] 2>/dev/null && places=$((places + 1))
done
t_eq "  accesses outside its RAM ($(field ipa reads) reads, $(field ipa writes) writes): below 4 GiB, above, beyond its IPA space" \
	3 "$places"
# nothing there but QEMU's: zeros, or all-ones in its PCIe windows;
# anything else would be someone's data (the first such read is shown)
t_eq "  reads there: zeros or all-ones, no one's data ($(field ipa_reads first_other))" \
	"0,0,0" "$(field ipa_reads other)"
n=$(field pages cycles)
t_eq "  its pages shared and unshared ($n times), again refused, unaligned refused, kept" \
	"$n $n $n $n $n $n" \
	"$(field pages share) $(field pages share_again_refused) $(field pages unaligned_refused) $(field pages unshare) $(field pages unshare_again_refused) $(field pages kept)"
t_eq "  given back (MEM_RELINQUISH): a new page there, zeroed" \
	"$n $n" "$(field pages relinquish) $(field pages zeroed)"
t_eq "  MMIO guard: its RAM refused, beyond its IPA space refused" \
	"$n $n" "$(field guard ram_refused) $(field guard beyond_refused)"
t_eq "  ID registers read the same each time" 0 "$(field sysregs id_unstable)"
t_eq "  debug registers read as zero, MDSCR_EL1 keeps what it is given" \
	"0 0" "$(field sysregs debug_not_raz) $(field sysregs mdscr_lost)"
t_eq "  its own pages kept their data through it all" 0 "$(field canaries bad)"
killed=$(pk_vm_lines hostile_undef "$HLOG" | grep -c ' rc=1[3-9][0-9]$')
returned=$(pk_vm_lines hostile_undef "$HLOG" | grep -c ' rc=\([0-9]\|[0-9][0-9]\|1[0-2][0-9]\)$')
t_eq "  undefined instructions (pmu, ptimer, gic, pauth), each oopsed its process" \
	"4 0" "$killed $returned"

t_eq "the hypervisor answers" "0x0 $PING_MAGIC" "$(pk_hvc_x0x1 "$HC_PING")"
# pk_vm_run left the witness the started VM (PK_VM_PID, PK_VM_LOG)
pk_vm_send stop
pk_vm_wait
t_eq "the witness kept its secret" "pages=8 changed=0" \
	"$(pk_vm_line secret_check "$WLOG")"
t_check "  and powered off (QEMU exits 0)" pk_vm_ok "$WLOG" || pk_vm_log_diag "$WLOG"
t_check "the host runs a new protected VM" /root/kvm-test basic protected
t_check "the host's kernel log has no warning, oops or bug" sh -c \
	"! dmesg | grep -E 'WARNING:|BUG:|Oops|Call trace'"
echo 0 >/sys/module/pkvmkit/parameters/vm_protected
t_eq "every page state and the pool are back" "$BEFORE" "$(pk_vm_pages)"
guest_finish
