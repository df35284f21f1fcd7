// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SMMUv3 at EL2 (Arm IHI 0070): the hypervisor's own driver for the
 * one SMMU it takes from the host. Everything it needs, nothing more:
 * a linear stream table whose 256 entries (PCI bus 0) all translate
 * through one stage-2 table, the DMA mirror, with stage 1 bypassed; a
 * command queue for configuration and TLB invalidation, used
 * synchronously (each batch ends in CMD_SYNC and is waited for); an event
 * queue read from the hypercall path (the hypervisor takes no
 * interrupts); no interrupts, no PRI, no ATS. Streams beyond the table
 * get C_BAD_STREAMID: aborted. Before it is enabled the SMMU is made to
 * abort what it does not translate (GBPA.ABORT), so there is no bypass
 * window.
 *
 * Queues and stream table are in hypervisor-owned memory the host cannot
 * map (dma.c hands it over); the SMMU is cache coherent (IDR0.COHACC is
 * required), so plain stores and a DSB make them visible to it.
 */
#include <pkvmkit/boot.h>
#include <pkvmkit/dma.h>
#include <hyp/bug.h>
#include <hyp/lib.h>
#include <hyp/log.h>
#include <hyp/mm.h>
#include <hyp/smmu.h>
#include <hyp/spinlock.h>
#include <hyp/sysreg.h>

/* Registers: page 0 */
#define SMMU_IDR0		0x00
#define  IDR0_S2P		BIT(0)
#define  IDR0_TTF_SHIFT		2	/* 2 bits: 2 = AArch64, 3 = both */
#define  IDR0_COHACC		BIT(4)
#define  IDR0_TTENDIAN_SHIFT	21	/* 2 bits: 0 = both, 2 = LE */
#define SMMU_IDR1		0x04
#define  IDR1_SIDSIZE_MASK	0x3fU
#define  IDR1_EVTQS_SHIFT	16
#define  IDR1_CMDQS_SHIFT	21
#define  IDR1_QUEUES_PRESET	BIT(29)
#define  IDR1_TABLES_PRESET	BIT(30)
#define SMMU_IDR5		0x14
#define  IDR5_OAS_MASK		0x7U
#define  IDR5_GRAN4K		BIT(4)
#define SMMU_CR0		0x20
#define  CR0_SMMUEN		BIT(0)
#define  CR0_EVTQEN		BIT(2)
#define  CR0_CMDQEN		BIT(3)
#define SMMU_CR0ACK		0x24
#define SMMU_CR1		0x28
#define SMMU_CR2		0x2c
#define  CR2_RECINVSID		BIT(1)
#define  CR2_PTM		BIT(2)
#define SMMU_GBPA		0x44
#define  GBPA_ABORT		BIT(20)
#define  GBPA_UPDATE		BIT(31)
#define SMMU_IRQ_CTRL		0x50
#define SMMU_IRQ_CTRLACK	0x54
#define SMMU_GERROR		0x60
#define SMMU_GERRORN		0x64
#define SMMU_STRTAB_BASE	0x80
#define SMMU_STRTAB_BASE_CFG	0x88
#define SMMU_CMDQ_BASE		0x90
#define SMMU_CMDQ_PROD		0x98
#define SMMU_CMDQ_CONS		0x9c
#define  CMDQ_CONS_ERR_SHIFT	24
#define  CMDQ_CONS_ERR_MASK	0x7fU
#define SMMU_EVTQ_BASE		0xa0
/* page 1 */
#define SMMU_EVTQ_PROD		0x100a8
#define SMMU_EVTQ_CONS		0x100ac
#define  Q_OVFLG		BIT(31)
#define SMMU_MIN_SIZE		0x20000		/* two 64 KiB pages */

#define BASE_RA			BIT(62)		/* read-allocate hint */
#define BASE_WA			BIT(62)		/* write-allocate hint */
#define ADDR_MASK		GENMASK_ULL(51, 6)

/* CR1: tables and queues Inner Shareable, Write-Back cacheable. */
#define CR1_WB_ISH		((3U << 10) | (1U << 8) | (1U << 6) | \
				 (3U << 4) | (1U << 2) | (1U << 0))

/* Stream table: linear, 2^8 entries of 8 double words. */
#define STRTAB_LOG2		8
#define STRTAB_ENTRIES		(1U << STRTAB_LOG2)
#define STE_DWORDS		8
#define STE0_V			BIT(0)
#define STE0_CFG_S2		(6ULL << 1)	/* stage 1 bypass, stage 2 */
#define STE1_SHCFG_INCOMING	(1ULL << 44)
#define STE2_VTCR_SHIFT		32
#define STE2_S2AA64		BIT(51)
#define STE2_S2PTW		BIT(54)
#define STE2_S2R		BIT(58)		/* record faults */
/* VTCR fields, from bit 32 of STE dword 2 */
#define VTCR_T0SZ(bits)		((u64)(64 - (bits)))
#define VTCR_SL0(level)		((u64)(2 - (level)) << 6)
#define VTCR_WBWA_ISH		((1ULL << 8) | (1ULL << 10) | (3ULL << 12))
#define VTCR_PS(oas)		((u64)(oas) << 16)

/* Queues: one page each. */
#define CMDQ_LOG2		8		/* 256 commands of 16 bytes */
#define EVTQ_LOG2		7		/* 128 events of 32 bytes */
#define CMD_DWORDS		2
#define EVT_DWORDS		4

#define CMD_CFGI_ALL		0x04
#define CMD_TLBI_S12_VMALL	0x28
#define CMD_TLBI_NSNH_ALL	0x30
#define CMD_SYNC		0x46
#define CFGI_RANGE_ALL		31

#define EVT0_ID_MASK		0xffULL
#define EVT0_SID_SHIFT		32
#define EVT1_RNW		BIT(35)
#define EVT1_S2			BIT(39)

/* Polls of an acknowledgement or a queue: far beyond any real SMMU. */
#define SMMU_POLLS		10000000UL

static hyp_spinlock_t dma_lock = HYP_LOCK_INIT(dma_lock);

static struct {
	u64 regs;		/* hyp VA of the registers */
	u32 oas;		/* IDR5.OAS, as encoded */
	bool enabled;
	u64 *strtab;
	u64 *cmdq;
	u64 *evtq;
	u32 cmd_prod;		/* with the wrap bit */
	u32 evt_cons;
	/* faults: counted, the last kept */
	u64 nr_faults;
	u64 nr_lost;		/* overflowed the event queue */
	struct smmu_fault kept[DMA_FAULTS_KEPT];
	u32 next_kept;
} smmu;

static u32 rd32(u32 off)
{
	return *(volatile u32 *)(smmu.regs + off);
}

static void wr32(u32 off, u32 val)
{
	*(volatile u32 *)(smmu.regs + off) = val;
}

static void wr64(u32 off, u64 val)
{
	*(volatile u64 *)(smmu.regs + off) = val;
}

static bool poll32(u32 off, u32 mask, u32 want)
{
	unsigned long i;

	for (i = 0; i < SMMU_POLLS; i++)
		if ((rd32(off) & mask) == want)
			return true;
	return false;
}

/* Write CR0 and wait for CR0ACK to agree. */
static bool write_cr0(u32 val)
{
	wr32(SMMU_CR0, val);
	return poll32(SMMU_CR0ACK, ~0U, val);
}

static const u8 oas_bits_of[] = { 32, 36, 40, 42, 44, 48, 52 };

int hyp_smmu_probe(u64 pa, u64 size, u32 *oas_bits)
{
	u32 idr0, idr1, idr5, ttf, endian;
	int ret;

	if (size < SMMU_MIN_SIZE || (pa | size) % PKVMKIT_PAGE_SIZE)
		return DMA_UNSUPPORTED;
	ret = hyp_private_map(pa, SMMU_MIN_SIZE, PGT_PROT_RW | PGT_PROT_DEVICE,
			      &smmu.regs);
	if (ret)
		return DMA_NO_MEMORY;
	idr0 = rd32(SMMU_IDR0);
	idr1 = rd32(SMMU_IDR1);
	idr5 = rd32(SMMU_IDR5);
	ttf = (idr0 >> IDR0_TTF_SHIFT) & 3;
	endian = (idr0 >> IDR0_TTENDIAN_SHIFT) & 3;
	if (rd32(SMMU_CR0) & CR0_SMMUEN)
		ret = DMA_HOST_ENABLED;
	else if (!(idr0 & IDR0_S2P))
		ret = DMA_NO_STAGE2;
	else if (ttf < 2 || endian == 3 || !(idr0 & IDR0_COHACC) ||
		 !(idr5 & IDR5_GRAN4K) ||
		 (idr5 & IDR5_OAS_MASK) >= sizeof(oas_bits_of) ||
		 (idr1 & (IDR1_QUEUES_PRESET | IDR1_TABLES_PRESET)) ||
		 ((idr1 >> IDR1_CMDQS_SHIFT) & 0x1f) < CMDQ_LOG2 ||
		 ((idr1 >> IDR1_EVTQS_SHIFT) & 0x1f) < EVTQ_LOG2 ||
		 (idr1 & IDR1_SIDSIZE_MASK) < STRTAB_LOG2)
		ret = DMA_UNSUPPORTED;
	if (ret) {
		hyp_private_unmap(smmu.regs, SMMU_MIN_SIZE);
		smmu.regs = 0;
		return ret;
	}
	smmu.oas = idr5 & IDR5_OAS_MASK;
	*oas_bits = oas_bits_of[smmu.oas];
	return 0;
}

/* ---- the command queue ------------------------------------------------ */

static u32 q_idx(u32 p, u32 log2)
{
	return p & ((1U << log2) - 1);
}

static u32 q_wrap(u32 p, u32 log2)
{
	return p & (1U << log2);
}

static bool cmdq_full_locked(u32 cons)
{
	return q_idx(smmu.cmd_prod, CMDQ_LOG2) == q_idx(cons, CMDQ_LOG2) &&
	       q_wrap(smmu.cmd_prod, CMDQ_LOG2) != q_wrap(cons, CMDQ_LOG2);
}

static void cmd_put_locked(u64 dw0, u64 dw1)
{
	u64 *slot;
	unsigned long i;

	hyp_assert_lock_held(&dma_lock);
	for (i = 0; cmdq_full_locked(rd32(SMMU_CMDQ_CONS)); i++)
		HYP_BUG_ON(i == SMMU_POLLS, "SMMU command queue stuck (cons %x)",
			   rd32(SMMU_CMDQ_CONS));
	slot = &smmu.cmdq[q_idx(smmu.cmd_prod, CMDQ_LOG2) * CMD_DWORDS];
	slot[0] = dw0;
	slot[1] = dw1;
	smmu.cmd_prod = (smmu.cmd_prod + 1) & ((2U << CMDQ_LOG2) - 1);
}

/*
 * Publish the commands and wait until the SMMU consumed them all, the
 * CMD_SYNC last (so everything before it has completed). A command error
 * is a bug of ours: the commands are fixed.
 */
static void cmd_sync_locked(void)
{
	u32 cons;

	cmd_put_locked(CMD_SYNC, 0);
	dsb(ishst);
	wr32(SMMU_CMDQ_PROD, smmu.cmd_prod);
	HYP_BUG_ON(!poll32(SMMU_CMDQ_CONS, (2U << CMDQ_LOG2) - 1,
			   smmu.cmd_prod),
		   "SMMU CMD_SYNC not completed (cons %x, prod %x)",
		   rd32(SMMU_CMDQ_CONS), smmu.cmd_prod);
	cons = rd32(SMMU_CMDQ_CONS);
	HYP_BUG_ON((cons >> CMDQ_CONS_ERR_SHIFT) & CMDQ_CONS_ERR_MASK,
		   "SMMU command error %x", cons);
}

void hyp_smmu_tlb_sync(void)
{
	if (!__atomic_load_n(&smmu.enabled, __ATOMIC_ACQUIRE))
		return;
	hyp_spin_lock(&dma_lock);
	/* the mirror's stores before the invalidation that reads them */
	dsb(ishst);
	cmd_put_locked(CMD_TLBI_S12_VMALL, 0);	/* VMID 0 */
	cmd_sync_locked();
	hyp_spin_unlock(&dma_lock);
}

/* ---- set-up ------------------------------------------------------------ */

static void write_stes(u64 root_pa, u32 ia_bits, u32 start_level)
{
	u64 vtcr = VTCR_T0SZ(ia_bits) | VTCR_SL0(start_level) |
		   VTCR_WBWA_ISH | VTCR_PS(smmu.oas);
	u32 i;

	for (i = 0; i < STRTAB_ENTRIES; i++) {
		u64 *ste = &smmu.strtab[i * STE_DWORDS];

		memset(ste, 0, STE_DWORDS * sizeof(u64));
		ste[1] = STE1_SHCFG_INCOMING;
		ste[2] = (vtcr << STE2_VTCR_SHIFT) | STE2_S2AA64 | STE2_S2PTW |
			 STE2_S2R;		/* VMID 0 */
		ste[3] = root_pa & GENMASK_ULL(51, 4);
		ste[0] = STE0_V | STE0_CFG_S2;
	}
	dsb(ishst);
}

/* Queues, stream table and their bases; the SMMU still disabled. */
static void setup_memory(u64 mem_pa)
{
	u64 cmdq_pa = mem_pa + HYP_SMMU_STRTAB_PAGES * PKVMKIT_PAGE_SIZE;
	u64 evtq_pa = cmdq_pa + PKVMKIT_PAGE_SIZE;

	smmu.strtab = (u64 *)mem_pa;	/* the linear map: VA == PA */
	smmu.cmdq = (u64 *)cmdq_pa;
	smmu.evtq = (u64 *)evtq_pa;
	memset(smmu.strtab, 0, HYP_SMMU_MEM_PAGES * PKVMKIT_PAGE_SIZE);
	dsb(ishst);
	wr64(SMMU_STRTAB_BASE, BASE_RA | (mem_pa & ADDR_MASK));
	wr32(SMMU_STRTAB_BASE_CFG, STRTAB_LOG2);	/* linear */
	wr64(SMMU_CMDQ_BASE, BASE_RA | (cmdq_pa & GENMASK_ULL(51, 5)) |
			     CMDQ_LOG2);
	wr32(SMMU_CMDQ_PROD, 0);
	wr32(SMMU_CMDQ_CONS, 0);
	wr64(SMMU_EVTQ_BASE, BASE_WA | (evtq_pa & GENMASK_ULL(51, 5)) |
			     EVTQ_LOG2);
	wr32(SMMU_EVTQ_PROD, 0);
	wr32(SMMU_EVTQ_CONS, 0);
	smmu.cmd_prod = 0;
	smmu.evt_cons = 0;
	wr32(SMMU_CR1, CR1_WB_ISH);
	wr32(SMMU_CR2, CR2_RECINVSID | CR2_PTM);
}

/* What does not translate aborts, from now on and whatever comes next. */
static bool abort_unknown(void)
{
	u32 gbpa = rd32(SMMU_GBPA);

	if (!poll32(SMMU_GBPA, GBPA_UPDATE, 0))
		return false;
	wr32(SMMU_GBPA, (gbpa & ~GBPA_UPDATE) | GBPA_ABORT | GBPA_UPDATE);
	return poll32(SMMU_GBPA, GBPA_UPDATE, 0);
}

static int enable_locked(u64 mem_pa, u64 root_pa, u32 ia_bits,
			 u32 start_level)
{
	if (!write_cr0(0) || !abort_unknown())
		return DMA_SMMU_FAILED;
	/* no interrupts: the hypervisor polls */
	wr32(SMMU_IRQ_CTRL, 0);
	if (!poll32(SMMU_IRQ_CTRLACK, ~0U, 0))
		return DMA_SMMU_FAILED;
	setup_memory(mem_pa);
	if (!write_cr0(CR0_CMDQEN))
		return DMA_SMMU_FAILED;
	/* forget whatever it cached before us */
	cmd_put_locked(CMD_CFGI_ALL, CFGI_RANGE_ALL);
	cmd_put_locked(CMD_TLBI_NSNH_ALL, 0);
	cmd_put_locked(CMD_TLBI_S12_VMALL, 0);
	cmd_sync_locked();
	if (!write_cr0(CR0_CMDQEN | CR0_EVTQEN))
		return DMA_SMMU_FAILED;
	write_stes(root_pa, ia_bits, start_level);
	cmd_put_locked(CMD_CFGI_ALL, CFGI_RANGE_ALL);
	cmd_sync_locked();
	if (!write_cr0(CR0_CMDQEN | CR0_EVTQEN | CR0_SMMUEN))
		return DMA_SMMU_FAILED;
	return 0;
}

int hyp_smmu_enable(u64 mem_pa, u64 root_pa, u32 ia_bits, u32 start_level)
{
	int ret;

	if (!smmu.regs)
		return DMA_NO_IOMMU;
	hyp_spin_lock(&dma_lock);
	ret = enable_locked(mem_pa, root_pa, ia_bits, start_level);
	if (!ret)
		__atomic_store_n(&smmu.enabled, true, __ATOMIC_RELEASE);
	hyp_spin_unlock(&dma_lock);
	if (ret)
		hyp_log("pkvmkit: SMMU at %lx did not come up (CR0ACK %x GERROR %x): DMA not protected\n",
			(unsigned long)smmu.regs, rd32(SMMU_CR0ACK),
			rd32(SMMU_GERROR));
	return ret;
}

/* ---- the event queue --------------------------------------------------- */

static void keep_fault_locked(const u64 *evt)
{
	struct smmu_fault *f = &smmu.kept[smmu.next_kept];

	f->id = evt[0] & EVT0_ID_MASK;
	f->sid = evt[0] >> EVT0_SID_SHIFT;
	f->addr = evt[2];
	f->flags = ((evt[1] & EVT1_RNW) ? DMA_FAULT_READ : 0) |
		   ((evt[1] & EVT1_S2) ? DMA_FAULT_STAGE2 : 0);
	smmu.next_kept = (smmu.next_kept + 1) % DMA_FAULTS_KEPT;
	smmu.nr_faults++;
}

void hyp_smmu_drain_events(void)
{
	u32 prod, mask = (2U << EVTQ_LOG2) - 1;

	if (!__atomic_load_n(&smmu.enabled, __ATOMIC_ACQUIRE))
		return;
	hyp_spin_lock(&dma_lock);
	prod = rd32(SMMU_EVTQ_PROD);
	if ((prod ^ smmu.evt_cons) & Q_OVFLG)
		smmu.nr_lost++;		/* at least one; the SMMU says no more */
	/* the records' contents after PROD's value */
	dsb(ld);
	while ((smmu.evt_cons & mask) != (prod & mask)) {
		keep_fault_locked(&smmu.evtq[q_idx(smmu.evt_cons, EVTQ_LOG2) *
					     EVT_DWORDS]);
		smmu.evt_cons = (smmu.evt_cons & Q_OVFLG) |
				((smmu.evt_cons + 1) & mask);
	}
	/* acknowledge the overflow by copying its flag */
	smmu.evt_cons = (smmu.evt_cons & mask) | (prod & Q_OVFLG);
	wr32(SMMU_EVTQ_CONS, smmu.evt_cons);
	hyp_spin_unlock(&dma_lock);
}

int hyp_smmu_fault(u64 n, struct smmu_fault *f)
{
	int ret = -ENOENT;

	hyp_spin_lock(&dma_lock);
	if (n < DMA_FAULTS_KEPT && n < smmu.nr_faults) {
		*f = smmu.kept[(smmu.next_kept + DMA_FAULTS_KEPT - 1 - n) %
			       DMA_FAULTS_KEPT];
		ret = 0;
	}
	hyp_spin_unlock(&dma_lock);
	return ret;
}

void hyp_smmu_counts(u64 *faults, u64 *lost)
{
	hyp_spin_lock(&dma_lock);
	*faults = smmu.nr_faults;
	*lost = smmu.nr_lost;
	hyp_spin_unlock(&dma_lock);
}
