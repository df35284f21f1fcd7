// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvm_hostile: insmod after pkvmkit has deprivileged the host, with
 * hyp_regions= from debugfs pkvmkit/layout (tests/scenarios/hostile.sh
 * shows how). One kthread per online CPU issues `calls` random and
 * crafted HVCs and SMCs (see calls.c, and vm.c for the VM calls), or as
 * many as fit in `seconds`; every `checkpoint` calls all threads meet
 * (now and then for a duel over one vCPU: duel.c), destroy their VMs,
 * give back the pages they moved, and one of them checks the invariants
 * (and now and then fills the VM handle table). Results are in
 * /sys/kernel/debug/pkvm_hostile/results (and the kernel log) once
 * /sys/kernel/debug/pkvm_hostile/done exists.
 */
#include "hostile.h"
#include <linux/atomic.h>
#include <linux/arm-smccc.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/wait.h>
#include <asm/cputype.h>

static unsigned long calls = 100000;
module_param(calls, ulong, 0444);
MODULE_PARM_DESC(calls, "random and crafted calls to issue, all threads together");

static unsigned long seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "random seed (0: pick one; the one used is in results)");

static unsigned long checkpoint = 5000;
module_param(checkpoint, ulong, 0444);
MODULE_PARM_DESC(checkpoint, "calls between invariant checkpoints, all threads together");

static unsigned int seconds;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "stop after this much time even if calls are left (0: no limit)");

static char *hyp_regions;
module_param(hyp_regions, charp, 0444);
MODULE_PARM_DESC(hyp_regions,
		 "the hypervisor's memory: NAME:PA:SIZE,... (debugfs pkvmkit/layout)");

static unsigned int walk_percent = 75;
module_param(walk_percent, uint, 0444);
MODULE_PARM_DESC(walk_percent, "share of calls that walk the vendor-hyp ids while the walk lasts");

/* How often the checkpoints hold a duel, and fill the handle table. */
#define FZ_DUEL_EVERY_MS	1000
#define FZ_FILL_EVERY_MS	30000

static const char * const fz_kind_names[] = {
#define FZ_KIND_NAME(name, str)	str,
	FZ_KINDS(FZ_KIND_NAME)
#undef FZ_KIND_NAME
};

/* All threads stop here; the last to arrive is told so. */
struct fz_barrier {
	spinlock_t lock;
	unsigned int nr;
	unsigned int arrived;
	unsigned long gen;
	wait_queue_head_t wq;
};

static struct {
	struct fz_thread *threads;
	unsigned int nr_threads;
	struct fz_barrier barrier;
	bool aborting;
	atomic64_t walk_next;
	atomic64_t walk_done;
	atomic_long_t violations[FZ_NR_KINDS];
	unsigned long logged_kinds;	/* bit per kind: first one logged */
	ktime_t start, end;
	bool time_up;			/* the seconds= budget is spent */
	bool last_round;		/* decided at a checkpoint, for all */
	bool duel_due;			/* ... and whether the next one duels */
	ktime_t last_duel, last_fill;
	u64 rounds;
	u64 calls_per_round;		/* per thread */
	u64 calls_per_thread;
	/* checkpoint results */
	u64 checkpoints;
	u64 pool_leak_checkpoints;
	u64 pool_free_after;
	u64 tables_after;
	u64 state_count_after[PAGE_STATE_COUNT];
	u64 page_total_after;
	u64 heap_after[3];
	bool hyp_alive;
	bool done;
	struct dentry *dir;
} fz;

void fz_violation(enum fz_kind kind, const struct fz_call *c, const char *why)
{
	static const char *const imm[] = {
		[FZ_IMM_0] = "#0", [FZ_IMM_1] = "#1", [FZ_IMM_MAX] = "#0xffff",
	};

	atomic_long_inc(&fz.violations[kind]);
	if (test_and_set_bit(kind, &fz.logged_kinds))
		return;
	pr_err("violation %s (%s): %s %s x0=%#lx x1=%#lx x2=%#lx x3=%#lx x4=%#lx x5=%#lx x6=%#lx x7=%#lx -> %#lx %#lx %#lx %#lx on cpu %d\n",
	       fz_kind_names[kind], why, c->smc ? "smc" : "hvc", imm[c->imm],
	       c->x[0],
	       c->x[1], c->x[2], c->x[3], c->x[4], c->x[5], c->x[6], c->x[7],
	       c->r[0], c->r[1], c->r[2], c->r[3], c->cpu);
}

static unsigned long fz_total_violations(void)
{
	unsigned long n = 0;
	int k;

	for (k = 0; k < FZ_NR_KINDS; k++)
		n += atomic_long_read(&fz.violations[k]);
	return n;
}

/* ---- the walk: 0xC6000000 | n, then 0x86000000 | n, each once ----------- */

#define FZ_WALK_LEN	(2 * FZ_VENDOR_IDS)

u64 fz_walk_next(void)
{
	u64 i = atomic64_inc_return(&fz.walk_next) - 1;

	if (i >= FZ_WALK_LEN)
		return 0;
	atomic64_inc(&fz.walk_done);
	return (i < FZ_VENDOR_IDS ? HC_FUNC_BASE : FZ_VENDOR_HYP_32) |
	       (i % FZ_VENDOR_IDS);
}

/* ---- barrier -------------------------------------------------------------- */

static void fz_barrier_init(struct fz_barrier *b, unsigned int nr)
{
	spin_lock_init(&b->lock);
	init_waitqueue_head(&b->wq);
	b->nr = nr;
	b->arrived = 0;
	b->gen = 0;
}

static bool fz_barrier_wait(struct fz_barrier *b)
{
	unsigned long gen;

	spin_lock(&b->lock);
	gen = b->gen;
	if (++b->arrived == b->nr) {
		b->arrived = 0;
		WRITE_ONCE(b->gen, gen + 1);
		spin_unlock(&b->lock);
		wake_up_all(&b->wq);
		return true;
	}
	spin_unlock(&b->lock);
	wait_event_idle(b->wq, READ_ONCE(b->gen) != gen ||
			       READ_ONCE(fz.aborting));
	return false;
}

/* For duel.c: all threads meet (true for the last); the run is ending. */
bool fz_sync_all(void)
{
	return fz_barrier_wait(&fz.barrier);
}

bool fz_aborting(void)
{
	return READ_ONCE(fz.aborting);
}

/* ---- checkpoints ---------------------------------------------------------- */

struct fz_cpu_check {
	struct fz_thread *t;	/* the checker, waiting for us meanwhile */
	struct fz_call ping;
	struct fz_call state;
};

static void fz_check_this_cpu(void *info)
{
	struct fz_cpu_check *k = info;

	k->ping = (struct fz_call){ .x = { HC_ID(HC_PING) } };
	k->state = (struct fz_call){ .x = { HC_ID(HC_CPU_STATE) } };
	fz_issue(k->t, &k->ping);
	fz_issue(k->t, &k->state);
}

/* Every online CPU answers at EL1, with its slot, under the stage-2. */
static void fz_check_cpus(struct fz_thread *t)
{
	const u64 want = HC_CPU_STAGE2 | HC_CPU_HOST_DEPRIV;
	struct fz_cpu_check k = { .t = t };
	int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (smp_call_function_single(cpu, fz_check_this_cpu, &k, 1))
			continue;
		if (k.ping.r[0] != SMCCC_RET_SUCCESS ||
		    k.ping.r[1] != HC_PING_MAGIC ||
		    (fz_env.known[cpu] && k.ping.r[2] != fz_env.slot[cpu])) {
			fz_violation(FZ_V_CKPT_PING, &k.ping, "magic or slot");
			fz.hyp_alive = false;
		}
		if (k.state.r[0] != SMCCC_RET_SUCCESS ||
		    (k.state.r[1] & want) != want)
			fz_violation(FZ_V_CKPT_CPU_STATE, &k.state,
				     "stage-2 and deprivileged");
	}
	cpus_read_unlock();
}

/* Pages only move between states; with ours back, all is as at start. */
static void fz_check_pages_and_pool(struct fz_thread *t)
{
	struct fz_call c;
	u64 total = 0;
	int s;

	for (s = 0; s < PAGE_STATE_COUNT; s++) {
		fz.state_count_after[s] = fz_hvc1(t, HC_ID(HC_STATE_COUNT), s,
						  0, &c);
		total += fz.state_count_after[s];
		if (fz.state_count_after[s] != fz_env.state_count[s])
			fz_violation(FZ_V_CKPT_STATE_COUNTS, &c,
				     "differs from the start");
	}
	fz.page_total_after = total;
	if (total != fz_env.page_total)
		fz_violation(FZ_V_CKPT_PAGE_TOTAL, &c, "sum of the states");

	fz_hvc1(t, HC_ID(HC_MEM_STATS), 0, 0, &c);
	fz.pool_free_after = c.r[1];
	fz.tables_after = c.r[2];
	fz_hvc1(t, HC_ID(HC_HEAP_STATS), 0, 0, &c);
	memcpy(fz.heap_after, &c.r[1], sizeof(fz.heap_after));
	if (memcmp(fz.heap_after, fz_env.heap, sizeof(fz.heap_after)))
		fz_violation(FZ_V_CKPT_HEAP, &c, "differs from the start");
	/* not a violation of the call ABI: reported on its own */
	if (fz.pool_free_after != fz_env.pool_free)
		fz.pool_leak_checkpoints++;
}

/* Whether @every_ms passed since *@last (then it is now). */
static bool fz_due(ktime_t *last, unsigned int every_ms)
{
	ktime_t now = ktime_get();

	/* never yet: the first checkpoint */
	if (*last && ktime_ms_delta(now, *last) < every_ms)
		return false;
	*last = now;
	return true;
}

/*
 * Every thread destroys its VMs and gives back its pages; then, with no
 * VM left anywhere, the hypervisor's pages, pool and heap must be as at
 * the start.
 */
static void fz_checkpoint(struct fz_thread *t)
{
	fz_barrier_wait(&fz.barrier);
	if (READ_ONCE(fz.aborting))
		return;
	if (READ_ONCE(fz.duel_due))
		fz_duel(t);
	fz_restore_own_pages(t);
	if (fz_barrier_wait(&fz.barrier)) {
		fz.checkpoints++;
		fz_check_cpus(t);
		fz_check_no_vms(t);
		if (fz_due(&fz.last_fill, FZ_FILL_EVERY_MS))
			fz_fill_handle_table(t);
		fz_check_pages_and_pool(t);
		/* one decision for all threads, so all meet as often */
		fz.last_round = READ_ONCE(fz.time_up);
		fz.duel_due = fz_due(&fz.last_duel, FZ_DUEL_EVERY_MS);
	}
	fz_barrier_wait(&fz.barrier);
}

/* ---- results -------------------------------------------------------------- */

static u64 fz_total_issued(void)
{
	u64 n = 0;
	unsigned int i;

	for (i = 0; i < fz.nr_threads; i++)
		n += READ_ONCE(fz.threads[i].issued);
	return n;
}

static void fz_print_moves(struct seq_file *m)
{
	u64 moved[FZ_NR_OPS] = { 0 }, nomem = 0;
	unsigned int i, op;

	for (i = 0; i < fz.nr_threads; i++) {
		for (op = 0; op < FZ_NR_OPS; op++)
			moved[op] += READ_ONCE(fz.threads[i].moved[op]);
		nomem += READ_ONCE(fz.threads[i].nomem);
	}
	seq_printf(m, "moves donate %llu reclaim %llu share %llu unshare %llu enomem %llu\n",
		   moved[FZ_OP_DONATE], moved[FZ_OP_RECLAIM], moved[FZ_OP_SHARE],
		   moved[FZ_OP_UNSHARE], nomem);
}

static void fz_sum_vm_stats(struct fz_vm_stats *sum)
{
	const u64 *src;
	u64 *dst = (u64 *)sum;
	unsigned int i, k;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < fz.nr_threads; i++) {
		src = (const u64 *)&fz.threads[i].vs;
		for (k = 0; k < sizeof(*sum) / sizeof(u64); k++)
			dst[k] += READ_ONCE(src[k]);
	}
}

/* "vm_answers NAME ok N enoent N ...": how often each answer came. */
static void fz_print_answers(struct seq_file *m, const char *name,
			     const u64 *n)
{
#define FZ_ANSWER_NAME(name, err)	#name,
	static const char * const names[] = { FZ_ANSWERS(FZ_ANSWER_NAME) };
#undef FZ_ANSWER_NAME
	unsigned int a;

	seq_printf(m, "vm_answers %s", name);
	for (a = 0; a < FZ_NR_ANSWERS; a++)
		seq_printf(m, " %s %llu", names[a], n[a]);
	seq_putc(m, '\n');
}

static void fz_print_vms(struct seq_file *m)
{
	struct fz_vm_stats s;
	unsigned int e;

	fz_sum_vm_stats(&s);
	seq_printf(m, "vm_calls %llu\n", s.calls);
	seq_printf(m, "vms_created %llu\n", s.created);
	seq_printf(m, "vms_destroyed %llu\n", s.destroyed);
	seq_printf(m, "vm_enomem %llu\n", s.nomem);
	seq_printf(m, "vm_runs %llu\n", s.entries);
	seq_puts(m, "vm_exits");	/* by enum pk_exit */
	for (e = 0; e < PK_NR_EXITS; e++)
		seq_printf(m, " %llu", s.exits[e]);
	seq_printf(m, "\nvm_duels %llu\n", s.duels);
	seq_printf(m, "vm_duel_busy %llu\n", s.duel_busy);
	seq_printf(m, "vm_duel_teardowns %llu\n", s.duel_teardowns);
	seq_printf(m, "vm_handle_tables_filled %llu\n", s.full_tables);
	seq_printf(m, "vm_pages_taken_back %llu\n", s.taken_back);
	for (e = 0; e < FZ_NR_VM_CALLS; e++)
		fz_print_answers(m, fz_vm_call_name(e), s.answers[e]);
}

static u64 fz_calls_per_sec(void)
{
	s64 us = ktime_us_delta(fz.done ? fz.end : ktime_get(), fz.start);

	return us > 0 ? div64_u64(fz_total_issued() * USEC_PER_SEC, us) : 0;
}

static void fz_print_results(struct seq_file *m)
{
	int k, s;

	seq_printf(m, "state %s\n", fz.done ? "done" : "running");
	seq_printf(m, "seed %lu\n", seed);
	seq_printf(m, "threads %u\n", fz.nr_threads);
	seq_printf(m, "stopped_by %s\n", fz.time_up ? "time" : "calls");
	seq_printf(m, "calls %llu\n", fz_total_issued());
	seq_printf(m, "calls_per_sec %llu\n", fz_calls_per_sec());
	seq_printf(m, "seconds %lld\n",
		   ktime_ms_delta(fz.done ? fz.end : ktime_get(), fz.start) /
		   MSEC_PER_SEC);
	seq_printf(m, "walk %lld of %lu\n", atomic64_read(&fz.walk_done),
		   FZ_WALK_LEN);
	fz_print_moves(m);
	fz_print_vms(m);
	seq_printf(m, "checkpoints %llu\n", fz.checkpoints);
	seq_printf(m, "violations %lu\n", fz_total_violations());
	for (k = 0; k < FZ_NR_KINDS; k++)
		if (atomic_long_read(&fz.violations[k]))
			seq_printf(m, "violation %s %ld\n", fz_kind_names[k],
				   atomic_long_read(&fz.violations[k]));
	seq_printf(m, "pool_free_before %llu\n", fz_env.pool_free);
	seq_printf(m, "pool_free_after %llu\n", fz.pool_free_after);
	seq_printf(m, "tables_before %llu\n", fz_env.tables);
	seq_printf(m, "tables_after %llu\n", fz.tables_after);
	seq_printf(m, "pool_leak_checkpoints %llu\n", fz.pool_leak_checkpoints);
	seq_printf(m, "page_total_before %llu\n", fz_env.page_total);
	seq_printf(m, "page_total_after %llu\n", fz.page_total_after);
	seq_puts(m, "state_counts_before");
	for (s = 0; s < PAGE_STATE_COUNT; s++)
		seq_printf(m, " %llu", fz_env.state_count[s]);
	seq_puts(m, "\nstate_counts_after");
	for (s = 0; s < PAGE_STATE_COUNT; s++)
		seq_printf(m, " %llu", fz.state_count_after[s]);
	seq_printf(m, "\nheap_before %llu %llu %llu\n", fz_env.heap[0],
		   fz_env.heap[1], fz_env.heap[2]);
	seq_printf(m, "heap_after %llu %llu %llu\n", fz.heap_after[0],
		   fz.heap_after[1], fz.heap_after[2]);
	seq_printf(m, "hyp_alive %d\n", fz.hyp_alive);
}

static int fz_results_show(struct seq_file *m, void *v)
{
	fz_print_results(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fz_results);

static int fz_done_show(struct seq_file *m, void *v)
{
	seq_puts(m, "1\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fz_done);

/* The same lines in the kernel log, one printk each. */
static void fz_log_results(void)
{
	struct seq_file m = { .size = PAGE_SIZE };
	char *line, *cur;

	m.buf = kzalloc(m.size, GFP_KERNEL);
	if (!m.buf)
		return;
	fz_print_results(&m);
	m.buf[min(m.count, m.size - 1)] = '\0';
	cur = m.buf;
	while ((line = strsep(&cur, "\n")))
		if (*line)
			pr_info("%s\n", line);
	kfree(m.buf);
}

static void fz_finish(void)
{
	fz.end = ktime_get();
	fz.done = true;
	fz_log_results();
	debugfs_create_file("done", 0444, fz.dir, NULL, &fz_done_fops);
}

/* ---- threads -------------------------------------------------------------- */

/* Back to the home CPU once it is online again (hotplug moved us). */
static void fz_repin(struct fz_thread *t)
{
	if (raw_smp_processor_id() != t->home_cpu && cpu_online(t->home_cpu))
		set_cpus_allowed_ptr(current, cpumask_of(t->home_cpu));
}

static void fz_step(struct fz_thread *t)
{
	u64 id;

	if (walk_percent && prandom_u32_state(&t->rnd) % 100 < walk_percent) {
		id = fz_walk_next();
		if (id) {
			fz_walk_call(t, id);
			return;
		}
	}
	fz_one_call(t);
}

static bool fz_out_of_time(void)
{
	if (!READ_ONCE(fz.time_up) && seconds &&
	    ktime_ms_delta(ktime_get(), fz.start) >= seconds * MSEC_PER_SEC)
		WRITE_ONCE(fz.time_up, true);
	return READ_ONCE(fz.time_up);
}

static void fz_run_round(struct fz_thread *t, u64 n)
{
	u64 i;

	for (i = 0; i < n && !READ_ONCE(fz.aborting); i++) {
		fz_step(t);
		if ((i & 63) == 63) {
			cond_resched();
			fz_repin(t);
			if (fz_out_of_time())
				break;
		}
	}
}

static int fz_thread_fn(void *arg)
{
	struct fz_thread *t = arg;
	u64 round, left = fz.calls_per_thread;

	if (fz_barrier_wait(&fz.barrier))
		fz.start = ktime_get();
	fz_barrier_wait(&fz.barrier);
	for (round = 0; round < fz.rounds && !READ_ONCE(fz.aborting); round++) {
		u64 n = min(left, fz.calls_per_round);

		fz_run_round(t, n);
		left -= n;
		fz_checkpoint(t);
		if (READ_ONCE(fz.last_round))
			break;
	}
	/* the final checkpoint's leader is the last one out of it */
	if (fz_barrier_wait(&fz.barrier) && !READ_ONCE(fz.aborting))
		fz_finish();
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static void fz_plan(void)
{
	unsigned int n = fz.nr_threads;

	if (!checkpoint)
		checkpoint = calls;
	fz.calls_per_thread = DIV_ROUND_UP(calls, n);
	fz.calls_per_round = max_t(u64, 1, DIV_ROUND_UP(checkpoint, n));
	fz.rounds = max_t(u64, 1, DIV_ROUND_UP(fz.calls_per_thread,
					       fz.calls_per_round));
}

static void fz_stop_threads(void)
{
	unsigned int i;

	WRITE_ONCE(fz.aborting, true);
	wake_up_all(&fz.barrier.wq);
	for (i = 0; i < fz.nr_threads; i++)
		if (fz.threads[i].task)
			kthread_stop(fz.threads[i].task);
}

static void fz_release_pages(void)
{
	unsigned int i;

	for (i = 0; i < fz.nr_threads; i++) {
		fz_restore_own_pages(&fz.threads[i]);
		fz_free_blocks(&fz.threads[i]);
	}
}

static int fz_create_thread(struct fz_thread *t, unsigned int idx, int cpu)
{
	t->idx = idx;
	t->home_cpu = cpu;
	prandom_seed_state(&t->rnd, seed + idx);
	t->task = kthread_create(fz_thread_fn, t, "pkvm_hostile/%d", cpu);
	if (IS_ERR(t->task)) {
		int ret = PTR_ERR(t->task);

		t->task = NULL;
		return ret;
	}
	get_task_struct(t->task);
	set_cpus_allowed_ptr(t->task, cpumask_of(cpu));
	return fz_alloc_blocks(t);
}

/* One thread per CPU online now; they start together once all exist. */
static int fz_start_threads(void)
{
	unsigned int i = 0;
	int cpu, ret = 0;

	cpus_read_lock();
	fz.threads = kcalloc(num_online_cpus(), sizeof(*fz.threads),
			     GFP_KERNEL);
	if (!fz.threads) {
		cpus_read_unlock();
		return -ENOMEM;
	}
	for_each_online_cpu(cpu) {
		ret = fz_create_thread(&fz.threads[i], i, cpu);
		fz.nr_threads = ++i;
		if (ret)
			break;
	}
	cpus_read_unlock();
	if (ret)
		return ret;
	fz_barrier_init(&fz.barrier, fz.nr_threads);
	fz_plan();
	for (i = 0; i < fz.nr_threads; i++)
		wake_up_process(fz.threads[i].task);
	return 0;
}

static void fz_put_threads(void)
{
	unsigned int i;

	for (i = 0; i < fz.nr_threads; i++)
		if (fz.threads[i].task)
			put_task_struct(fz.threads[i].task);
	kfree(fz.threads);
}

static int __init fz_init(void)
{
	int ret;

	if (!seed)
		seed = get_random_u64() ?: 1;
	fz.hyp_alive = true;
	fz.duel_due = true;
	fz_vm_registry_init();
	fz_duel_init();
	ret = fz_env_init(hyp_regions);
	if (ret)
		goto fail_env;
	fz.dir = debugfs_create_dir("pkvm_hostile", NULL);
	debugfs_create_file("results", 0444, fz.dir, NULL, &fz_results_fops);
	ret = fz_start_threads();
	if (ret)
		goto fail_threads;
	pr_info("%u threads, %lu calls, checkpoint every %lu, %u seconds at most, seed %lu\n",
		fz.nr_threads, calls, checkpoint, seconds, seed);
	return 0;

fail_threads:
	/* never woken threads: kthread_stop() still reaps them */
	fz_stop_threads();
	fz_release_pages();
	fz_put_threads();
	debugfs_remove_recursive(fz.dir);
fail_env:
	fz_env_exit();
	return ret;
}

static void __exit fz_exit(void)
{
	fz_stop_threads();
	fz_release_pages();
	fz_put_threads();
	debugfs_remove_recursive(fz.dir);
	fz_env_exit();
}

module_init(fz_init);
module_exit(fz_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pkvmkit test: a hostile host fuzzing the hypervisor's call interface");
