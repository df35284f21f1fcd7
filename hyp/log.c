// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor's log: a byte ring in pages the hypervisor owns and
 * shares read-only with the host, which reads it through debugfs.
 * A small vsnprintf covers what the hypervisor prints.
 */
#include <stdarg.h>
#include <hyp/compiler.h>
#include <hyp/hooks.h>
#include <hyp/lib.h>
#include <hyp/log.h>
#include <hyp/module_ops.h>
#include <hyp/spinlock.h>

static hyp_spinlock_t log_lock = HYP_LOCK_INIT(log_lock);
static struct hyp_log_header *log_hdr;
static char *log_text;

void hyp_log_init(u64 pa, u64 size)
{
	log_hdr = (struct hyp_log_header *)pa;
	log_text = (char *)(log_hdr + 1);
	log_hdr->size = size - sizeof(*log_hdr);
	log_hdr->head = 0;
	__atomic_store_n(&log_hdr->magic, HYP_LOG_MAGIC, __ATOMIC_RELEASE);
}

struct out {
	char *buf;
	u64 size;
	u64 len;
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_num(struct out *o, u64 v, unsigned int base, bool neg)
{
	char tmp[24];
	int n = 0;

	if (neg)
		out_char(o, '-');
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		out_char(o, tmp[--n]);
}

static int hyp_vsnprintf(char *buf, u64 size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	int longs;
	s64 sv;
	const char *s;

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		longs = 0;
		while (*++fmt == 'l')
			longs++;
		switch (*fmt) {
		case 'd':
			sv = longs ? va_arg(ap, s64) : va_arg(ap, int);
			out_num(&o, sv < 0 ? -(u64)sv : (u64)sv, 10, sv < 0);
			break;
		case 'u':
			out_num(&o, longs ? va_arg(ap, u64) : va_arg(ap, unsigned int),
				10, false);
			break;
		case 'x':
			out_num(&o, longs ? va_arg(ap, u64) : va_arg(ap, unsigned int),
				16, false);
			break;
		case 'p':
			out_char(&o, '0');
			out_char(&o, 'x');
			out_num(&o, (u64)va_arg(ap, void *), 16, false);
			break;
		case 's':
			for (s = va_arg(ap, const char *); s && *s; s++)
				out_char(&o, *s);
			break;
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case '%':
			out_char(&o, '%');
			break;
		default:
			out_char(&o, '?');
			if (!*fmt)
				fmt--;
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int hyp_snprintf(char *buf, u64 size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hyp_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void hyp_log(const char *fmt, ...)
{
	char line[160];
	va_list ap;
	u64 i, n, head;

	va_start(ap, fmt);
	n = hyp_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	if (!log_hdr)
		return;

	hyp_spin_lock(&log_lock);
	head = log_hdr->head;
	for (i = 0; i < n; i++)
		log_text[(head + i) % log_hdr->size] = line[i];
	/* text before head: a reader seeing the new head sees the text */
	__atomic_store_n(&log_hdr->head, head + n, __ATOMIC_RELEASE);
	hyp_spin_unlock(&log_lock);
}

/* ---- the console members of pkvm_module_ops -------------------------- */

static void (*serial_putc)(char c);

int hyp_op_register_serial_driver(void (*cb)(char))
{
	return hyp_module_set_hook(HC_HOOK_SERIAL, (void **)&serial_putc, cb);
}

/* Everything a module prints goes to the log, and to its UART if any. */
/* android15-6.6 on: one character, to the log and the module's serial */
void hyp_op_putc(char c)
{
	void (*putc)(char ch) = hyp_hook_get(serial_putc);

	hyp_log("%c", c);
	if (putc)
		putc(c);
}

void hyp_op_puts(const char *str)
{
	void (*putc)(char ch) = hyp_hook_get(serial_putc);
	const char *s;

	hyp_log("%s\n", str);
	if (putc) {
		for (s = str; *s; s++)
			putc(*s);
		putc('\n');
	}
}

void hyp_op_putx64(u64 num)
{
	char buf[19];

	hyp_snprintf(buf, sizeof(buf), "0x%lx", (unsigned long)num);
	hyp_op_puts(buf);
}
