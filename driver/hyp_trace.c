// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hyp tracing, host side: the events (the hypervisor's own and vendor
 * modules'), their ids, and /sys/kernel/tracing/hyp/ as Android lays it
 * out:
 *
 *	trace				the records in the rings, merged by time
 *					(a write empties it)
 *	trace_pipe			the same, consumed as read; blocks for more
 *	events/hyp/<event>/enable	0 or 1
 *	events/hyp/<event>/id, format
 *
 * The rings (asm/pkvmkit_hyptrace.h) are the hypervisor's, read-only to
 * the host, and written while read: a reader copies what it wants, then
 * keeps only what the writer cannot have overwritten meanwhile.
 */
#include "pkvmkit.h"
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "../sdk/arch/arm64/include/asm/kvm_pkvm_module.h"
#include "../sdk/arch/arm64/include/asm/pkvmkit_hyptrace.h"

#define RING_PAGE	HYP_TRACE_PAGE_SIZE
#define RING_SIZE	(HYP_TRACE_DATA_PAGES * RING_PAGE)
#define REC_SIZE	sizeof(struct hyp_trace_rec)
#define LINE_MAX	256

struct pk_event {
	struct hyp_event *ev;
	const char *owner;		/* "pkvmkit" or the vendor module */
	struct dentry *dir;
	bool enabled;
};

/* A record taken out of a ring, for merging by time. */
struct rec_copy {
	u64 ts;
	u32 cpu;
	u32 len;			/* of payload */
	const u8 *payload;		/* in the render's copy of the ring */
};

static DEFINE_MUTEX(trace_lock);
static struct pk_event events[HYP_EVENT_ID_MAX + 1];
static unsigned int next_id = 1;
static u64 consumed[HYP_MAX_CPUS];	/* ring positions read through */
static struct dentry *hyp_dir, *events_dir;
static u32 cntfrq;

static struct hyp_trace_header *ring_header(unsigned int slot)
{
	return pk.trace.va + (size_t)slot * HYP_TRACE_CPU_PAGES * RING_PAGE;
}

static const u8 *ring_data(unsigned int slot)
{
	return (const u8 *)ring_header(slot) + RING_PAGE;
}

/* Positions below this may be overwritten while @head is the writer's. */
static u64 oldest_intact(u64 head)
{
	u64 page = head / RING_PAGE;

	return page >= HYP_TRACE_DATA_PAGES - 1 ?
	       (page - (HYP_TRACE_DATA_PAGES - 1)) * RING_PAGE : 0;
}

static void copy_out(void *dst, const u8 *ring, u64 pos, u64 len)
{
	u64 off = pos % RING_SIZE, first = min_t(u64, len, RING_SIZE - off);

	memcpy(dst, ring + off, first);
	memcpy(dst + first, ring, len - first);
}

/*
 * Take the records of CPU @slot from *@pos on (moved forward past them)
 * into @out (room for @max); returns how many. Records the writer got to
 * first are skipped, as ftrace's overwrite mode does.
 */
static int take_records(unsigned int slot, u64 *pos, struct rec_copy *out,
			int max, u8 *snap)
{
	const struct hyp_trace_header *hdr = ring_header(slot);
	u64 head, start, p, base;
	int n = 0;

	/* pairs with hyp_trace_init()'s release: the header is set up */
	if (smp_load_acquire(&hdr->magic) != HYP_TRACE_MAGIC)
		return 0;
	/* pairs with publish_head()'s release: records before head are there */
	head = smp_load_acquire(&hdr->head);
	start = max(*pos, oldest_intact(head));
	if (start >= head) {
		*pos = max(*pos, head);
		return 0;
	}
	base = start;
	copy_out(snap, ring_data(slot), base, head - base);
	/* the copy, then a second look at head (as a seqcount reader does) */
	smp_rmb();
	/* what the writer may have overwritten while we copied */
	p = max(start, oldest_intact(READ_ONCE(hdr->head)));
	if (p != start)
		p = round_up(p, RING_PAGE);
	while (p < head && n < max) {
		u64 off = p % RING_PAGE;
		const struct hyp_trace_rec *rec;

		if (RING_PAGE - off < REC_SIZE) {
			p += RING_PAGE - off;
			continue;
		}
		rec = (const void *)(snap + (p - base));
		if (rec->len < REC_SIZE || rec->len % 8 ||
		    rec->len > RING_PAGE - off || p + rec->len > head)
			break;		/* torn: the writer lapped us */
		if (!(rec->flags & HYP_TRACE_REC_PAD)) {
			out[n].ts = rec->ts;
			out[n].cpu = slot;
			out[n].len = rec->len - REC_SIZE;
			out[n].payload = (const u8 *)(rec + 1);
			n++;
		}
		p += rec->len;
	}
	*pos = n < max ? head : p;
	return n;
}

static int cmp_rec(const void *a, const void *b)
{
	const struct rec_copy *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static int format_record(char *buf, size_t size, const struct rec_copy *r)
{
	const struct hyp_entry_hdr *h = (const void *)r->payload;
	const struct pk_event *e;
	u64 secs = div_u64(r->ts, cntfrq);
	u64 usecs = div_u64((r->ts - secs * cntfrq) * USEC_PER_SEC, cntfrq);
	int n;

	n = scnprintf(buf, size, "[%03u] %5llu.%06llu: ", r->cpu, secs, usecs);
	e = r->len >= sizeof(*h) && h->id <= HYP_EVENT_ID_MAX ?
	    &events[h->id] : NULL;
	if (!e || !e->ev || r->len < e->ev->entry_size)
		return n + scnprintf(buf + n, size - n,
				     "unknown event %u (%u bytes)\n",
				     r->len >= sizeof(*h) ? h->id : 0, r->len);
	n += scnprintf(buf + n, size - n, "%s: ", e->ev->name);
	n += min_t(int, e->ev->print(buf + n, size - n, r->payload),
		   size - n - 1);
	return n + scnprintf(buf + n, size - n, "\n");
}

/*
 * Everything after consumed[] in every ring, as text, oldest first;
 * @consume moves consumed[] past it. Under trace_lock.
 */
static char *render_locked(bool consume, size_t *len)
{
	const int max_per_cpu = RING_SIZE / (REC_SIZE + 8);
	struct rec_copy *recs;
	unsigned int cpu;
	u8 *snap;
	char *text = NULL;
	int n = 0, i;
	size_t cap, used = 0;
	u64 pos;

	lockdep_assert_held(&trace_lock);
	recs = vmalloc(array3_size(max_per_cpu, pk.nr_slots, sizeof(*recs)));
	snap = vmalloc(array_size(pk.nr_slots, RING_SIZE));
	if (!recs || !snap)
		goto out;
	for (cpu = 0; cpu < pk.nr_slots; cpu++) {
		pos = consumed[cpu];
		n += take_records(cpu, &pos, recs + n, max_per_cpu,
				  snap + (size_t)cpu * RING_SIZE);
		if (consume)
			consumed[cpu] = pos;
	}
	sort(recs, n, sizeof(*recs), cmp_rec, NULL);
	cap = (size_t)n * LINE_MAX + 1;
	text = vmalloc(cap);
	if (!text)
		goto out;
	for (i = 0; i < n; i++)
		used += format_record(text + used, cap - used, &recs[i]);
	text[used] = '\0';
	*len = used;
out:
	vfree(snap);
	vfree(recs);
	return text;
}

/* ---- trace, trace_pipe ---------------------------------------------- */

struct reader {
	char *text;
	size_t len;
	size_t off;
};

static int trace_open(struct inode *inode, struct file *f)
{
	struct reader *r;
	unsigned int cpu;

	if ((f->f_mode & FMODE_WRITE) && (f->f_flags & O_TRUNC)) {
		mutex_lock(&trace_lock);
		for (cpu = 0; cpu < pk.nr_slots; cpu++) {
			/* pairs with publish_head()'s release */
			consumed[cpu] = smp_load_acquire(&ring_header(cpu)->head);
		}
		mutex_unlock(&trace_lock);
	}
	if (!(f->f_mode & FMODE_READ))
		return 0;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	mutex_lock(&trace_lock);
	r->text = render_locked(false, &r->len);
	mutex_unlock(&trace_lock);
	if (!r->text) {
		kfree(r);
		return -ENOMEM;
	}
	f->private_data = r;
	return 0;
}

static ssize_t trace_read(struct file *f, char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	struct reader *r = f->private_data;

	return simple_read_from_buffer(ubuf, len, ppos, r->text, r->len);
}

/* Any write empties the buffer (as "echo > trace" does ftrace's). */
static ssize_t trace_write(struct file *f, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	return len;
}

static int reader_release(struct inode *inode, struct file *f)
{
	struct reader *r = f->private_data;

	if (r)
		vfree(r->text);
	kfree(r);
	return 0;
}

static const struct file_operations trace_fops = {
	.open = trace_open,
	.read = trace_read,
	.write = trace_write,
	.release = reader_release,
	.llseek = default_llseek,
};

static int pipe_open(struct inode *inode, struct file *f)
{
	f->private_data = kzalloc(sizeof(struct reader), GFP_KERNEL);
	return f->private_data ? 0 : -ENOMEM;
}

/* The hypervisor cannot wake us: look again every 20 ms. */
static ssize_t pipe_read(struct file *f, char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	struct reader *r = f->private_data;
	size_t n;

	while (r->off == r->len) {
		vfree(r->text);
		r->text = NULL;
		r->off = r->len = 0;
		mutex_lock(&trace_lock);
		r->text = render_locked(true, &r->len);
		mutex_unlock(&trace_lock);
		if (!r->text)
			return -ENOMEM;
		if (r->len)
			break;
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (msleep_interruptible(20))
			return -ERESTARTSYS;
	}
	n = min(len, r->len - r->off);
	if (copy_to_user(ubuf, r->text + r->off, n))
		return -EFAULT;
	r->off += n;
	return n;
}

static const struct file_operations pipe_fops = {
	.open = pipe_open,
	.read = pipe_read,
	.release = reader_release,
};

/* ---- events/hyp/<event>/{enable,id,format} --------------------------- */

static ssize_t show(char __user *ubuf, size_t len, loff_t *ppos,
		    const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static ssize_t enable_read(struct file *f, char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	struct pk_event *e = file_inode(f)->i_private;

	return show(ubuf, len, ppos, "%d\n", READ_ONCE(e->enabled));
}

static int set_enabled_locked(struct pk_event *e, bool on)
{
	struct arm_smccc_res res;

	lockdep_assert_held(&trace_lock);
	res = pk_hvc(HC_ID(HC_TRACE_EVENT), e->ev->id, on, 0);
	if (res.a0 != SMCCC_RET_SUCCESS)
		return -EPERM;
	if (res.a1)
		return (int)res.a1;
	WRITE_ONCE(e->enabled, on);
	return 0;
}

static ssize_t enable_write(struct file *f, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	struct pk_event *e = file_inode(f)->i_private;
	bool on;
	int ret;

	ret = kstrtobool_from_user(ubuf, len, &on);
	if (ret)
		return ret;
	mutex_lock(&trace_lock);
	ret = e->ev ? set_enabled_locked(e, on) : -ENOENT;
	mutex_unlock(&trace_lock);
	return ret ?: len;
}

static const struct file_operations enable_fops = {
	.open = simple_open,
	.read = enable_read,
	.write = enable_write,
	.llseek = default_llseek,
};

static ssize_t id_read(struct file *f, char __user *ubuf, size_t len,
		       loff_t *ppos)
{
	struct pk_event *e = file_inode(f)->i_private;

	return show(ubuf, len, ppos, "%u\n", e->ev ? e->ev->id : 0);
}

static const struct file_operations id_fops = {
	.open = simple_open,
	.read = id_read,
	.llseek = default_llseek,
};

/* As ftrace writes a format file: the fields at their C offsets. */
static ssize_t format_read(struct file *f, char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	struct pk_event *e = file_inode(f)->i_private;
	const struct hyp_event_field *fl;
	unsigned int off = sizeof(struct hyp_entry_hdr);
	char *buf;
	int n;
	ssize_t ret;

	if (!e->ev)
		return -ENOENT;
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	n = scnprintf(buf, PAGE_SIZE,
		      "name: %s\nID: %u\nformat:\n\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n",
		      e->ev->name, e->ev->id);
	for (fl = e->ev->fields; fl->name; fl++) {
		off = ALIGN(off, fl->align);
		n += scnprintf(buf + n, PAGE_SIZE - n,
			       "\tfield:%s %s;\toffset:%u;\tsize:%u;\tsigned:%d;\n",
			       fl->type, fl->name, off, fl->size, fl->is_signed);
		off += fl->size;
	}
	n += scnprintf(buf + n, PAGE_SIZE - n, "\nprint fmt: %s\n",
		       e->ev->print_fmt);
	ret = simple_read_from_buffer(ubuf, len, ppos, buf, n);
	kfree(buf);
	return ret;
}

static const struct file_operations format_fops = {
	.open = simple_open,
	.read = format_read,
	.llseek = default_llseek,
};

static void publish_locked(struct pk_event *e)
{
	lockdep_assert_held(&trace_lock);
	if (!events_dir)
		return;
	e->dir = pk_tracefs_dir(e->ev->name, events_dir);
	if (!e->dir) {
		pr_err("hyp tracing: cannot create events/hyp/%s (%s)\n",
		       e->ev->name, e->owner);
		return;
	}
	pk_tracefs_file("enable", 0600, e->dir, e, &enable_fops);
	pk_tracefs_file("id", 0400, e->dir, e, &id_fops);
	pk_tracefs_file("format", 0400, e->dir, e, &format_fops);
}

static struct hyp_event *find_event(struct hyp_event *const *table,
				    const char *name)
{
	for (; table && *table; table++)
		if (!strncmp((*table)->name, name, HYP_EVENT_NAME_MAX))
			return *table;
	return NULL;
}

static int add_event_locked(struct hyp_event *ev, const char *owner)
{
	struct pk_event *e;
	unsigned int id;

	lockdep_assert_held(&trace_lock);
	for (id = 1; id < next_id; id++)
		if (events[id].ev && !strcmp(events[id].ev->name, ev->name)) {
			pr_err("hyp tracing: %s: event %s already defined by %s\n",
			       owner, ev->name, events[id].owner);
			return -EEXIST;
		}
	if (next_id > HYP_EVENT_ID_MAX) {
		pr_err("hyp tracing: %s: more than %d hyp events\n", owner,
		       HYP_EVENT_ID_MAX);
		return -ENOSPC;
	}
	id = next_id++;
	ev->id = id;
	e = &events[id];
	e->ev = ev;
	e->owner = owner;
	e->enabled = false;
	publish_locked(e);
	return id;
}

static void drop_events_locked(unsigned int first, unsigned int end)
{
	unsigned int id;

	lockdep_assert_held(&trace_lock);
	for (id = first; id < end; id++) {
		pk_tracefs_remove(events[id].dir);
		events[id] = (struct pk_event) {};
	}
}

/*
 * A vendor module's events, before its EL2 code goes to EL2 (and before
 * the loader turns the pointers in it into hyp addresses): each EL2
 * entry gets the id of the host event of its name. Returns the first id
 * it gave (*@end past the last), or -errno.
 */
int pk_trace_bind_module(const struct pkvm_el2_module *m, const char *name,
			 unsigned int *end)
{
	struct hyp_event_id *ids = (void *)m->event_ids.start;
	struct hyp_event_id *ids_end = (void *)m->event_ids.end;
	struct hyp_event *const *table = m->hyp_events;
	struct hyp_event *ev;
	unsigned int first;
	int id = 0;

	if (ids_end < ids || (ids_end > ids &&
	    ((void *)ids < m->data.start || (void *)ids_end > m->data.end ||
	     !IS_ALIGNED((unsigned long)ids, 8)))) {
		pr_err("%s: its hyp event ids are not in its EL2 data\n", name);
		return -EINVAL;
	}
	if ((ids_end - ids) && !table)
		pr_warn("%s: %ld hyp events at EL2 and none on the host: define them with asm/kvm_define_hypevents.h where pkvm_load_el2_module() is called; they stay off\n",
			name, (long)(ids_end - ids));
	mutex_lock(&trace_lock);
	first = next_id;
	for (; ids < ids_end && table; ids++) {
		ev = find_event(table, ids->name);
		if (!ev) {
			pr_warn("%s: hyp event %.*s has no host side: it stays off\n",
				name, HYP_EVENT_NAME_MAX, ids->name);
			continue;
		}
		id = add_event_locked(ev, name);
		if (id < 0)
			break;
		ids->id = id;
	}
	if (id < 0)
		drop_events_locked(first, next_id);
	*end = next_id;
	mutex_unlock(&trace_lock);
	return id < 0 ? id : first;
}

/* Its EL2 init failed: the module goes, and its events with it. */
void pk_trace_unbind_module(unsigned int first, unsigned int end)
{
	mutex_lock(&trace_lock);
	drop_events_locked(first, end);
	mutex_unlock(&trace_lock);
}

/*
 * Once the protected modules are loaded (and the host deprivileged):
 * /sys/kernel/tracing/hyp/ and every event's directory. Not earlier:
 * looking tracefs's calls up waits for RCU grace periods, which would
 * lengthen the way to deprivilege for nothing (no event can be enabled
 * before there is a file to enable it with).
 */
void pk_trace_start_tracefs(void)
{
	struct dentry *dir = NULL;
	unsigned int id;

	if (!pk.installed || pk_tracefs_init())
		return;
	mutex_lock(&trace_lock);
	hyp_dir = pk_tracefs_dir("hyp", NULL);
	if (!hyp_dir) {
		pr_err("hyp tracing: cannot create /sys/kernel/tracing/hyp\n");
		goto out;
	}
	pk_tracefs_file("trace", 0600, hyp_dir, NULL, &trace_fops);
	pk_tracefs_file("trace_pipe", 0400, hyp_dir, NULL, &pipe_fops);
	dir = pk_tracefs_dir("events", hyp_dir);
	if (dir)
		events_dir = pk_tracefs_dir("hyp", dir);
	for (id = 1; id < next_id; id++)
		if (events[id].ev)
			publish_locked(&events[id]);
out:
	mutex_unlock(&trace_lock);
}

/* After install: the hypervisor's own events (tracefs comes later). */
void pk_trace_init(void)
{
	struct hyp_event *const *core = pk_core_hyp_events();
	int i;

	cntfrq = read_sysreg(cntfrq_el0) ?: 1;
	mutex_lock(&trace_lock);
	/* their ids are fixed: their places in the list, from 1 */
	for (i = 0; core[i]; i++)
		if (add_event_locked(core[i], "pkvmkit") != i + 1)
			pr_err("hyp tracing: the hypervisor's event %s did not get id %d\n",
			       core[i]->name, i + 1);
	mutex_unlock(&trace_lock);
}
