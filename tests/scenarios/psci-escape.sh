# PSCI must not let the deprivileged host out from under the hypervisor.
# A CPU the host starts (CPU_ON, through any id the firmware takes, over
# SMC or HVC) must enter through the hypervisor: at EL1, under the host
# stage-2, so reading the hypervisor's image aborts. The probe
# (tests/psci_probe/) records that, then turns its CPU off; Linux then
# brings the CPU back. PSCI calls the hypervisor does not relay safely
# (MIGRATE, unknown functions and owners, SMCs with an immediate) are
# refused with NOT_SUPPORTED; a CPU_SUSPEND that QEMU answers as standby
# returns to its caller, still under the hypervisor.
# QEMU 7.2's /psci (PSCI 1.1) lists the 0.2 ids as its 0.1 properties, yet
# its firmware also takes its own 0.1 ids: those are tested too.
#@ boot cortex-a72 2 1G
#@ boot max 4 1G
#@ timeout 300
. /lib/pkvmkit/guest.sh
guest_setup

PR=/sys/kernel/debug/psci_probe
ONLINE=/sys/devices/system/cpu/cpu1/online
HC_CPU_STAGE2=0x2
# PSCI architectural ids (0.2 and later); /psci's are read at run time
PSCI_VERSION=0x84000000
PSCI_CPU_SUSPEND64=0xc4000001
PSCI_CPU_ON32=0x84000003
PSCI_CPU_ON64=0xc4000003
PSCI_MIGRATE32=0x84000005
PSCI_MIGRATE64=0xc4000005
PSCI_UNDEFINED_FN=0x8400001f
SMCCC_OWNER7_FN=0x87000000
PROBE_RAN_MAGIC=0x50524f42
ESR_EC_DABT_CUR=0x25
# QEMU's own PSCI 0.1 ids (its firmware's base 0x95c1ba5e + 0..3). QEMU
# takes them whatever /psci says, but for PSCI 0.2 and later (QEMU 7.2:
# 1.1) its /psci lists the 0.2 ids instead, so the device tree cannot give
# them: they are named here, and only used as ids the firmware may take.
QEMU_PSCI01_CPU_SUSPEND=0x95c1ba5e
QEMU_PSCI01_CPU_ON=0x95c1ba60
QEMU_PSCI01_MIGRATE=0x95c1ba61
# a reserved SMCCC owner (0x15), just above QEMU's 0.1 ids
RESERVED_OWNER_FN=0x95c1ba70
POWER_DOWN_BIT16=0x10000
# extended StateID power_state: bit 30 = power down, bit 16 unused
POWER_DOWN_EXTENDED=0x40000000

# dt_psci_fn NAME: the function id /psci gives NAME (a property of the
# PSCI 0.1 binding: cpu_on, cpu_off, cpu_suspend, migrate)
dt_psci_fn() {
	_f=/proc/device-tree/psci/$1
	[ -f "$_f" ] || return 1
	printf '0x%s\n' "$(od -An -tx1 "$_f" | tr -d ' \n' | sed 's/^0*//')"
}

# report FILE KEY: one value of a psci_probe report
report() {
	sed -n "s/^$2 //p" "$PR/$1"
}

# smccc_status FN X0: x0 as the caller sees it; an SMC32 call's result is
# only w0 (cut as text: shell arithmetic is signed 64-bit)
smccc_status() {
	_hex=${2#0x}
	if [ $(($1 & 0x40000000)) -eq 0 ] && [ ${#_hex} -gt 8 ]; then
		_hex=${_hex#"${_hex%????????}"}
		printf '%#x\n' "0x$_hex"
	else
		echo "$2"
	fi
}

# not_supported FN: NOT_SUPPORTED as smccc_status prints it for FN
not_supported() {
	smccc_status "$1" "$NOT_SUPPORTED"
}

# psci_call CONDUIT FN [ARGS]: issue one call, print its x0 as status
psci_call() {
	echo "$*" >$PR/call || return 1
	# shellcheck disable=SC2046
	set -- "$2" $(cat $PR/call)
	smccc_status "$1" "$2"
}

# cpu1_is_ours LABEL: cpu1 answers HC_PING and runs under the stage-2
cpu1_is_ours() {
	t_eq "$1: cpu1 answers HC_PING" "0x0 $PING_MAGIC" \
		"$(pk_hvc_x0x1 cpu 1 $HC_PING)"
	# shellcheck disable=SC2153 # HC_CPU_STATE comes from hc-ids.sh
	_state=$(pk_hvc cpu 1 $HC_CPU_STATE | cut -d' ' -f2)
	t_eq "$1: cpu1 is under the host stage-2" "$HC_CPU_STAGE2" \
		"$(printf '%#x' $((${_state:-0} & HC_CPU_STAGE2)))"
}

# probe_outcome FN: what the last cpu_on did: "relayed" (the probe ran at
# EL1 and its read of the hypervisor aborted), "refused" (NOT_SUPPORTED,
# the probe never ran) or what else happened
probe_outcome() {
	_ran=$(report cpu_on ran)
	_el=$(report cpu_on el)
	_read=$(report cpu_on read_ok)
	_esr=$(report cpu_on esr)
	_ec=$(printf '%#x' $(((${_esr:-0} >> 26) & 0x3f)))
	_x0=$(smccc_status "$1" "$(report cpu_on x0)")
	if [ "$_ran $_el $_read $_ec" = "$PROBE_RAN_MAGIC 0x1 0x0 $ESR_EC_DABT_CUR" ]; then
		echo relayed
	elif [ "$_x0 $_ran" = "$(not_supported "$1") 0x0" ]; then
		echo refused
	else
		echo "x0 $_x0, ran $_ran at EL $_el, read_ok $_read, ESR EC $_ec"
	fi
}

# start_probe CONDUIT FN LABEL: offline cpu1, CPU_ON it into the probe
start_probe() {
	t_check "$3: cpu1 offline" sh -c "echo 0 > $ONLINE"
	echo "$1 $2 1" >$PR/cpu_on || t_fail "$3: psci_probe takes the call"
	t_diag "$3: $(tr '\n' ' ' <$PR/cpu_on)"
}

# bring_back_cpu1 LABEL: the probe turned cpu1 off; Linux brings it back
# through the relay, under the stage-2
bring_back_cpu1() {
	t_eq "$1: cpu1 is off after the probe" 1 "$(report cpu_on affinity)"
	t_check "$1: cpu1 online again" sh -c "echo 1 > $ONLINE"
	cpu1_is_ours "$1"
}

# probe_relayed CONDUIT FN NAME: a CPU_ON id the hypervisor must relay:
# the probe runs at EL1, under the stage-2, and cannot read the hypervisor
probe_relayed() {
	_l="$1 $3 ($2)"
	start_probe "$1" "$2" "$_l"
	t_eq "$_l: the call succeeded" 0x0 "$(smccc_status "$2" "$(report cpu_on x0)")"
	t_eq "$_l: the probe ran" $PROBE_RAN_MAGIC "$(report cpu_on ran)"
	t_eq "$_l: the probe ran at EL1" 0x1 "$(report cpu_on el)"
	_esr=$(report cpu_on esr)
	t_eq "$_l: its read of the hypervisor image aborted" \
		"read_ok 0x0 EC $ESR_EC_DABT_CUR" \
		"read_ok $(report cpu_on read_ok) EC $(printf '%#x' $(((${_esr:-0} >> 26) & 0x3f)))"
	bring_back_cpu1 "$_l"
}

# probe_contained CONDUIT FN NAME: a CPU_ON id the firmware takes but the
# device tree does not give: relaying and refusing are both safe, a CPU
# started outside the hypervisor is not
probe_contained() {
	_l="$1 $3 ($2)"
	start_probe "$1" "$2" "$_l"
	t_check "$_l: the probe did not run at EL2" \
		test "$(report cpu_on el)" != 0x2
	t_eq "$_l: it did not read the hypervisor image" 0x0 \
		"$(report cpu_on read_ok)"
	_out=$(probe_outcome "$2")
	case "$_out" in
	relayed | refused)
		t_ok "$_l: relayed to EL1 or refused ($_out)" ;;
	*)
		t_fail "$_l: relayed to EL1 or refused" "$_out" ;;
	esac
	bring_back_cpu1 "$_l"
}

# probe_dt_cpu_on CONDUIT: the device tree's CPU_ON id, unless it is one
# of the PSCI 0.2 ids (QEMU lists those for PSCI 0.2 and later)
probe_dt_cpu_on() {
	case "$PSCI_DT_CPU_ON" in
	"")
		t_skip "$1 device-tree CPU_ON" "no cpu_on in /psci" ;;
	"$PSCI_CPU_ON32" | "$PSCI_CPU_ON64")
		t_skip "$1 device-tree CPU_ON ($PSCI_DT_CPU_ON)" \
			"the PSCI 0.2 id, tested above" ;;
	*)
		probe_relayed "$1" "$PSCI_DT_CPU_ON" "device-tree CPU_ON" ;;
	esac
}

pk_load
pk_wait_deprivileged
t_check "psci_probe loads" insmod /root/psci_probe.ko

image_pa=$(awk '$1 == "image" { print $2 }' $PK_DBG/layout)
echo "$image_pa" >$PR/target
t_diag "probe target: the hypervisor image at $image_pa"
t_diag "/psci: $(tr '\0' ' ' </proc/device-tree/psci/compatible)"
PSCI_DT_CPU_ON=$(dt_psci_fn cpu_on)
PSCI_DT_CPU_OFF=$(dt_psci_fn cpu_off)
PSCI_DT_CPU_SUSPEND=$(dt_psci_fn cpu_suspend)
PSCI_DT_MIGRATE=$(dt_psci_fn migrate)
t_diag "PSCI 0.1 properties in /psci: cpu_on $PSCI_DT_CPU_ON" \
	"cpu_off $PSCI_DT_CPU_OFF cpu_suspend $PSCI_DT_CPU_SUSPEND" \
	"migrate $PSCI_DT_MIGRATE"

# --- 1. CPU_ON over SMC: every id the firmware takes --------------------
probe_relayed smc $PSCI_CPU_ON32 "PSCI 0.2 CPU_ON32"
probe_relayed smc $PSCI_CPU_ON64 "PSCI 0.2 CPU_ON64"
probe_dt_cpu_on smc
probe_contained smc $QEMU_PSCI01_CPU_ON "QEMU PSCI 0.1 CPU_ON"

# --- 2. PSCI over HVC ----------------------------------------------------
smc_version=$(psci_call smc $PSCI_VERSION)
hvc_version=$(psci_call hvc $PSCI_VERSION)
t_diag "PSCI_VERSION: smc $smc_version, hvc $hvc_version"
t_check "PSCI_VERSION over SMC is a version" \
	test "$smc_version" != "$(not_supported $PSCI_VERSION)"
t_eq "PSCI_VERSION over HVC is the firmware's" "$smc_version" "$hvc_version"
probe_dt_cpu_on hvc
probe_relayed hvc $PSCI_CPU_ON32 "PSCI 0.2 CPU_ON32"
probe_relayed hvc $PSCI_CPU_ON64 "PSCI 0.2 CPU_ON64"
probe_contained hvc $QEMU_PSCI01_CPU_ON "QEMU PSCI 0.1 CPU_ON"

# --- 3. refusals ----------------------------------------------------------
# shellcheck disable=SC2046
set -- $(pk_hvc cpu 1 $HC_PING)
cpu1_mpidr=${4:-0}

# refused CONDUIT DESC FN [ARGS]: the call gets NOT_SUPPORTED
refused() {
	_c=$1
	_d=$2
	shift 2
	t_eq "$_c $_d ($1) is refused" "$(not_supported "$1")" "$(psci_call "$_c" "$@")"
}

refused smc "PSCI 0.2 MIGRATE32" $PSCI_MIGRATE32 "$cpu1_mpidr"
refused smc "PSCI 0.2 MIGRATE64" $PSCI_MIGRATE64 "$cpu1_mpidr"
case "$PSCI_DT_MIGRATE" in
"" | "$PSCI_MIGRATE32" | "$PSCI_MIGRATE64")
	t_skip "smc device-tree MIGRATE is refused" \
		"'$PSCI_DT_MIGRATE': none, or the PSCI 0.2 id tested above" ;;
*)
	refused smc "device-tree MIGRATE" "$PSCI_DT_MIGRATE" "$cpu1_mpidr" ;;
esac
refused smc "QEMU PSCI 0.1 MIGRATE" $QEMU_PSCI01_MIGRATE "$cpu1_mpidr"
refused smc "an undefined PSCI function" $PSCI_UNDEFINED_FN
refused smc "a call to the reserved SMCCC owner 7" $SMCCC_OWNER7_FN
case " $PSCI_DT_CPU_ON $PSCI_DT_CPU_OFF $PSCI_DT_CPU_SUSPEND $PSCI_DT_MIGRATE " in
*" $RESERVED_OWNER_FN "*)
	t_skip "smc a reserved-owner id not in the device tree is refused" \
		"$RESERVED_OWNER_FN is in the device tree" ;;
*)
	refused smc "a reserved-owner id not in the device tree" \
		$RESERVED_OWNER_FN ;;
esac
refused smc1 "PSCI_VERSION with smc #1" $PSCI_VERSION

# probe_suspend FN POWER_STATE NAME: CPU_SUSPEND on cpu1 with the probe as
# resume entry. QEMU only implements standby (it returns), so all there is
# to check is that the call comes back to its caller, still under the
# hypervisor
probe_suspend() {
	_l="smc $3 ($1, power_state $2)"
	if echo "smc $1 $2 1" >$PR/cpu_suspend; then
		t_ok "$_l returns to its caller"
	else
		t_fail "$_l returns to its caller" "psci_probe refused"
	fi
	t_diag "$_l: $(tr '\n' ' ' <$PR/cpu_suspend)"
	_x0=$(smccc_status "$1" "$(report cpu_suspend x0)")
	case "$_x0" in
	0x0 | 0xfffffff[7-9a-f] | 0xfffffffffffffff[7-9a-f])
		t_ok "$_l: x0 is 0 or a PSCI error ($_x0)" ;;
	*)
		t_fail "$_l: x0 is 0 or a PSCI error" "x0 = '$_x0'" ;;
	esac
	t_eq "$_l: right after it, cpu1 answers HC_PING" "0x0 $PING_MAGIC" \
		"$(report cpu_suspend ping_x0) $(report cpu_suspend ping_x1)"
	_state=$(report cpu_suspend cpu_state)
	t_eq "$_l: right after it, cpu1 is under the host stage-2" \
		"$HC_CPU_STAGE2" "$(printf '%#x' $((${_state:-0} & HC_CPU_STAGE2)))"
	cpu1_is_ours "after $_l"
}

probe_suspend $PSCI_CPU_SUSPEND64 $POWER_DOWN_EXTENDED \
	"PSCI 0.2 CPU_SUSPEND64, extended power down"
probe_suspend $QEMU_PSCI01_CPU_SUSPEND $POWER_DOWN_BIT16 \
	"QEMU PSCI 0.1 CPU_SUSPEND, power down"

t_eq "every CPU under the stage-2 at the end" "$(pk_all_cpus)" \
	"$(cat $PK_SYS/stage2_cpus)"
guest_finish
