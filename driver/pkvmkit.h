/* SPDX-License-Identifier: GPL-2.0-only */
/* pkvmkit host driver: state shared between its source files. */
#ifndef PKVMKIT_DRIVER_H
#define PKVMKIT_DRIVER_H

#define pr_fmt(fmt) "pkvmkit: " fmt

#include <linux/types.h>
#include <linux/cpumask.h>
#include <linux/arm-smccc.h>
#include <linux/fs.h>
#include <pkvmkit/boot.h>
#include <pkvmkit/hypercall.h>

/* One physically contiguous piece of memory given to the hypervisor. */
struct pk_region {
	void *va;		/* kernel linear-map address */
	phys_addr_t pa;
	size_t size;
};

struct pk_state {
	struct pk_region image;		/* text, rodata, data, bss */
	struct pk_region params;	/* struct hyp_params + hyp_cpu_boot[] */
	struct pk_region stacks;
	struct pk_region pool;		/* EL2 stage-1 tables + free pool */
	struct pk_region page_array;	/* struct hyp_page[] */
	struct pk_region log;
	struct pk_region trace;		/* hyp-trace rings, read-only after install */
	struct hyp_params *hp;		/* in params */
	struct hyp_cpu_boot *cpu_boot;	/* in params, after hp */
	unsigned int nr_slots;
	size_t total_bytes;
	bool el2_taken;			/* a CPU's VBAR_EL2 points at our image */
	bool installed;
	bool deprivilege_started;
	bool deprivileged;
	bool deprivilege_failed;
	int deprivilege_error;		/* -errno of a failed HC_PROT_FINALIZE */
	bool insecure;			/* a protected module failed */
};

extern struct pk_state pk;

/* cmdline.c */
char *pk_cmdline_value(const char *param);

/* el2_check.c */
int pk_check_el2(void);

/* memory.c */
int pk_alloc_memory(void);
/* firmware.c */
void pk_read_psci_0_1_ids(u64 ids[]);
void pk_free_memory(void);
void pk_clean_to_poc(const struct pk_region *r);

/* dma.c */
struct seq_file;
void pk_dma_prepare(struct hyp_params *hp);
void pk_dma_free(void);
size_t pk_dma_bytes(void);
const struct pk_region *pk_dma_chunk(unsigned int i);
const char *pk_dma_state_text(unsigned long state);
bool pk_dma_unprotected_allowed(void);
int pk_dma_show(char *buf, size_t size);
void pk_dma_show_faults(struct seq_file *m);

/* stage1.c */
int pk_build_el2_stage1(void);

/* install.c */
int pk_install(void);
int pk_deprivilege(void);

/* hvc.c */
struct arm_smccc_res pk_hvc(unsigned long id, unsigned long a1,
			    unsigned long a2, unsigned long a3);
int pk_hvc_on_cpu(int cpu, unsigned long id, unsigned long a1,
		  unsigned long a2, unsigned long a3, struct arm_smccc_res *res);
unsigned long pk_raw_hvc(unsigned long x0, unsigned long x1);
int pk_hvc_args(int cpu, const unsigned long a[8], struct arm_smccc_res *res);
int pk_smc_args(int cpu, const unsigned long a[8], struct arm_smccc_res *res);

/* sysfs.c / debugfs.c */
int pk_sysfs_init(void);
const char *pk_page_state_name(int state);
void pk_debugfs_init(void);
void pk_print_hyp_log(void);

/* ksym.c */
void *pk_kernel_symbol(const char *name);

/* hyp_trace.c, hyp_events.c, tracefs.c */
struct pkvm_el2_module;
struct hyp_event;
struct dentry;
void pk_trace_init(void);
void pk_trace_start_tracefs(void);
int pk_trace_bind_module(const struct pkvm_el2_module *m, const char *name,
			 unsigned int *end);
void pk_trace_unbind_module(unsigned int first, unsigned int end);
struct hyp_event *const *pk_core_hyp_events(void);
int pk_tracefs_init(void);
struct dentry *pk_tracefs_dir(const char *name, struct dentry *parent);
struct dentry *pk_tracefs_file(const char *name, umode_t mode,
			       struct dentry *parent, void *data,
			       const struct file_operations *fops);
void pk_tracefs_remove(struct dentry *d);

/* el2_module.c */
unsigned long pk_el2_module_pfn(unsigned int i);
void pk_close_el2_loading(void);
void pk_reopen_el2_loading(void);

/* el2_link.c: calls from one module's EL2 code to another's */
struct module;
struct pkvm_el2_module;
int pk_el2_link_imports(const struct pkvm_el2_module *m, struct module *this,
			unsigned long start, unsigned long hyp_va);
void pk_el2_link_add(const struct pkvm_el2_module *m, struct module *this,
		     unsigned long start, unsigned long hyp_va);

/* kvm/dev.c: /dev/kvm, once the host is deprivileged */
int pk_kvm_init(void);

/* main.c */
bool pk_deprivilege_started(void);
int pk_request_deprivilege(void);

/* protected_modules.c */
void pk_load_protected_modules(void);
void pk_mark_insecure(const char *why);
const char *pk_insecure_reason(void);
ssize_t pk_show_protected_modules(char *buf);

/* panic.c */
void pk_hyp_panic_entry(u64 esr, u64 elr, u64 far);

/* symbolize.c */
void pk_el2_range_add(const char *name, unsigned long hyp_va,
		      unsigned long size, unsigned long el1_va);
void pk_el2_range_drop(unsigned long hyp_va);
void pk_el2_symbol(unsigned long va, char *buf, size_t len);
void pk_el2_symbol_return(unsigned long va, char *buf, size_t len);
void pk_esr_describe(u64 esr, char *buf, size_t len);
struct seq_file;
void pk_el2_ranges_show(struct seq_file *m);

/* status.c */
struct dentry;
void pk_status_init(struct dentry *dir);
void pk_status_record_call(int id, unsigned long hfn_hyp_va);

#endif /* PKVMKIT_DRIVER_H */
