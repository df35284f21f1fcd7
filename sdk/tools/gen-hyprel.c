// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkvmkit-gen-hyprel: list the 64-bit absolute pointers in a vendor
 * module's partially linked EL2 object, so the loader can move them from
 * kernel to hypervisor addresses.
 *
 * Input: an ELF64 little-endian AArch64 relocatable object whose EL2
 * sections are named .hyp.* (the output of ld -r with pkvmkit-module.lds).
 * Output (stdout): assembly for
 *  - a .hyp.reloc section holding, for every R_AARCH64_ABS64 in a .hyp.*
 *    section, a 32-bit place-relative offset to that 8-byte slot, between
 *    __hyprel_start and __hyprel_end;
 *  - a .hyp.import section listing the calls to other EL2 modules: every
 *    R_AARCH64_CALL26 or R_AARCH64_JUMP26 in .hyp.text against an
 *    undefined symbol, as struct pkvm_el2_import (the branch's place, the
 *    symbol's name in .hyp.import.names, a 64-bit pointer to the symbol),
 *    between __hypimport_start and __hypimport_end. The build prefixes
 *    the symbol with __kvm_nvhe_, so only an EL2 function another module
 *    exports can resolve it (modpost, then the kernel's loader, refuse
 *    anything else); the driver points each branch at that function's
 *    hypervisor address.
 *
 * Fails (exit 1, message naming the symbol) on: a call to a function the
 * kernel exports (when given the kernel's Module.symvers), any other
 * reference to an undefined symbol (EL2 code reaches the hypervisor only
 * through struct pkvm_module_ops, other EL2 modules only by calling them),
 * a relocation that cannot work once the code runs at another address,
 * an SHT_REL section, or a malformed object.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen-hyprel.h"

#ifndef R_AARCH64_PLT32
#define R_AARCH64_PLT32	314	/* not in older <elf.h> */
#endif

struct obj {
	const uint8_t *buf;
	size_t len;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	const char *shstr;
	size_t shstr_len;
	FILE *err;
	const char *path;
	const struct gen_hyprel_kernel *kernel;	/* or NULL */
};

static int fail(const struct obj *o, const char *fmt, ...)
{
	va_list ap;

	fprintf(o->err, "pkvmkit-gen-hyprel: %s: ", o->path);
	va_start(ap, fmt);
	vfprintf(o->err, fmt, ap);
	va_end(ap);
	fputc('\n', o->err);
	return -1;
}

static bool in_file(const struct obj *o, uint64_t off, uint64_t size)
{
	return off <= o->len && size <= o->len - off;
}

/* A NUL-terminated string at @off of a table of @len bytes, or NULL. */
static const char *str_at(const char *tab, size_t len, uint64_t off)
{
	if (off >= len || !memchr(tab + off, '\0', len - off))
		return NULL;
	return tab + off;
}

static const char *sec_name(const struct obj *o, unsigned int i)
{
	const char *n = str_at(o->shstr, o->shstr_len, o->sh[i].sh_name);

	return n ? n : "?";
}

static bool is_hyp_section(const char *name)
{
	return !strncmp(name, ".hyp", 4);
}

/* Place-relative and in-section-page relocations keep working at EL2. */
static bool reloc_ok_anywhere(uint32_t type)
{
	switch (type) {
	case R_AARCH64_NONE:
	case R_AARCH64_PREL64:
	case R_AARCH64_PREL32:
	case R_AARCH64_PREL16:
	case R_AARCH64_PLT32:
	case R_AARCH64_LD_PREL_LO19:
	case R_AARCH64_ADR_PREL_LO21:
	case R_AARCH64_ADR_PREL_PG_HI21:
	case R_AARCH64_ADR_PREL_PG_HI21_NC:
	case R_AARCH64_ADD_ABS_LO12_NC:
	case R_AARCH64_LDST8_ABS_LO12_NC:
	case R_AARCH64_LDST16_ABS_LO12_NC:
	case R_AARCH64_LDST32_ABS_LO12_NC:
	case R_AARCH64_LDST64_ABS_LO12_NC:
	case R_AARCH64_LDST128_ABS_LO12_NC:
	case R_AARCH64_TSTBR14:
	case R_AARCH64_CONDBR19:
	case R_AARCH64_JUMP26:
	case R_AARCH64_CALL26:
	case R_AARCH64_MOVW_PREL_G0:
	case R_AARCH64_MOVW_PREL_G0_NC:
	case R_AARCH64_MOVW_PREL_G1:
	case R_AARCH64_MOVW_PREL_G1_NC:
	case R_AARCH64_MOVW_PREL_G2:
	case R_AARCH64_MOVW_PREL_G2_NC:
	case R_AARCH64_MOVW_PREL_G3:
		return true;
	default:
		return false;
	}
}

static int load_headers(struct obj *o)
{
	const Elf64_Ehdr *eh = (const void *)o->buf;
	const Elf64_Shdr *ss;
	unsigned int i;

	if (o->len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return fail(o, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return fail(o, "not ELF64 little-endian");
	if (eh->e_type != ET_REL || eh->e_machine != EM_AARCH64)
		return fail(o, "not an AArch64 relocatable object");
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || !eh->e_shnum ||
	    !in_file(o, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)) ||
	    eh->e_shoff % 8)
		return fail(o, "bad section header table");
	if (eh->e_shstrndx >= eh->e_shnum)
		return fail(o, "bad section name table index");
	o->eh = eh;
	o->sh = (const void *)(o->buf + eh->e_shoff);
	ss = &o->sh[eh->e_shstrndx];
	if (ss->sh_type != SHT_STRTAB || !in_file(o, ss->sh_offset, ss->sh_size))
		return fail(o, "bad section name table");
	o->shstr = (const char *)o->buf + ss->sh_offset;
	o->shstr_len = ss->sh_size;
	/* a truncated or corrupt object: some section runs past the end */
	for (i = 1; i < eh->e_shnum; i++)
		if (o->sh[i].sh_type != SHT_NOBITS &&
		    !in_file(o, o->sh[i].sh_offset, o->sh[i].sh_size))
			return fail(o, "section %u lies outside the file", i);
	return 0;
}

struct symtab {
	const Elf64_Sym *syms;
	size_t nr;
	const char *str;
	size_t str_len;
};

static int load_symtab(const struct obj *o, unsigned int idx, struct symtab *st)
{
	const Elf64_Shdr *s = &o->sh[idx], *strs;

	if (s->sh_type != SHT_SYMTAB || s->sh_entsize != sizeof(Elf64_Sym) ||
	    !in_file(o, s->sh_offset, s->sh_size) || s->sh_offset % 8 ||
	    s->sh_link >= o->eh->e_shnum)
		return fail(o, "bad symbol table (section %u)", idx);
	strs = &o->sh[s->sh_link];
	if (strs->sh_type != SHT_STRTAB ||
	    !in_file(o, strs->sh_offset, strs->sh_size))
		return fail(o, "bad symbol string table");
	st->syms = (const void *)(o->buf + s->sh_offset);
	st->nr = s->sh_size / sizeof(Elf64_Sym);
	st->str = (const char *)o->buf + strs->sh_offset;
	st->str_len = strs->sh_size;
	return 0;
}

static const char *sym_name(const struct symtab *st, size_t i)
{
	const char *n = str_at(st->str, st->str_len, st->syms[i].st_name);

	return n && *n ? n : "<unnamed>";
}

static bool is_undefined(const struct symtab *st, uint64_t sym)
{
	return sym && st->syms[sym].st_shndx == SHN_UNDEF;
}

static bool is_branch(uint32_t type)
{
	return type == R_AARCH64_CALL26 || type == R_AARCH64_JUMP26;
}

/* A call into another EL2 module: a branch from the EL2 text. */
static bool is_import(const char *target, uint32_t type)
{
	return !strcmp(target, ".hyp.text") && is_branch(type);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_kernel_symbol(const struct obj *o, const char *name)
{
	return o->kernel && o->kernel->nr &&
	       bsearch(&name, o->kernel->names, o->kernel->nr,
		       sizeof(*o->kernel->names), cmp_name);
}

/* A name the assembler takes as it is: a C identifier. */
static bool plain_name(const char *n)
{
	if (!*n || (*n >= '0' && *n <= '9'))
		return false;
	for (; *n; n++)
		if (!(*n == '_' || (*n >= 'a' && *n <= 'z') ||
		      (*n >= 'A' && *n <= 'Z') || (*n >= '0' && *n <= '9')))
			return false;
	return true;
}

/* An undefined symbol is only allowed as the target of an import. */
static int check_undefined_ref(const struct obj *o, const struct symtab *st,
			       const char *target, const Elf64_Rela *r)
{
	uint32_t type = ELF64_R_TYPE(r->r_info);
	const char *name = sym_name(st, ELF64_R_SYM(r->r_info));

	if (!is_import(target, type))
		return fail(o, "EL2 code references '%s' (relocation type %u at %s+%#llx), which is not part of the module's EL2 code: EL2 code reaches the hypervisor only through struct pkvm_module_ops, and another EL2 module only by calling its functions",
			    name, type, target,
			    (unsigned long long)r->r_offset);
	if (is_kernel_symbol(o, name))
		return fail(o, "EL2 code references '%s', which is not part of the module's EL2 code but a kernel function: EL2 code cannot call the kernel, it reaches the hypervisor only through struct pkvm_module_ops",
			    name);
	if (!plain_name(name))
		return fail(o, "EL2 code calls '%s': not a C identifier, cannot be an EL2 module's export",
			    name);
	if (ELF64_ST_BIND(st->syms[ELF64_R_SYM(r->r_info)].st_info) == STB_WEAK)
		return fail(o, "EL2 code calls '%s', a weak undefined symbol: a call into another EL2 module must resolve",
			    name);
	return 0;
}

static int emit_relocs(const struct obj *o, unsigned int idx,
		       const struct symtab *st, FILE *out)
{
	const Elf64_Shdr *s = &o->sh[idx];
	const Elf64_Rela *r;
	const char *target;
	size_t i, n;

	if (s->sh_entsize != sizeof(Elf64_Rela) ||
	    !in_file(o, s->sh_offset, s->sh_size) || s->sh_offset % 8 ||
	    s->sh_info >= o->eh->e_shnum)
		return fail(o, "bad relocation section %s", sec_name(o, idx));
	target = sec_name(o, s->sh_info);
	if (!is_hyp_section(target))
		return 0;
	r = (const void *)(o->buf + s->sh_offset);
	n = s->sh_size / sizeof(Elf64_Rela);
	for (i = 0; i < n; i++) {
		uint32_t type = ELF64_R_TYPE(r[i].r_info);
		uint64_t sym = ELF64_R_SYM(r[i].r_info);

		if (sym >= st->nr)
			return fail(o, "%s: relocation %zu has a bad symbol index",
				    sec_name(o, idx), i);
		if (r[i].r_offset > o->sh[s->sh_info].sh_size ||
		    (type == R_AARCH64_ABS64 &&
		     o->sh[s->sh_info].sh_size - r[i].r_offset < 8) ||
		    (is_branch(type) &&
		     o->sh[s->sh_info].sh_size - r[i].r_offset < 4))
			return fail(o, "%s: relocation %zu lies outside %s",
				    sec_name(o, idx), i, target);
		if (is_undefined(st, sym) &&
		    check_undefined_ref(o, st, target, &r[i]))
			return -1;
		if (type == R_AARCH64_ABS64) {
			fprintf(out, "\t.reloc ., R_AARCH64_PREL32, __hyp_section_%s + %#llx\n\t.long 0\n",
				target, (unsigned long long)r[i].r_offset);
			continue;
		}
		if (!reloc_ok_anywhere(type))
			return fail(o, "relocation type %u against '%s' at %s+%#llx cannot work at EL2 (only PC-relative and 64-bit absolute are possible)",
				    type, sym_name(st, sym), target,
				    (unsigned long long)r[i].r_offset);
	}
	return 0;
}

/*
 * The imports of one relocation section, already checked by emit_relocs(),
 * as struct pkvm_el2_import { s32 place; s32 name; u64 target; }.
 */
static void emit_imports(const struct obj *o, unsigned int idx,
			 const struct symtab *st, FILE *out, unsigned int *nr)
{
	const Elf64_Shdr *s = &o->sh[idx];
	const Elf64_Rela *r = (const void *)(o->buf + s->sh_offset);
	const char *target = sec_name(o, s->sh_info);
	size_t i, n = s->sh_size / sizeof(Elf64_Rela);

	for (i = 0; i < n; i++) {
		uint64_t sym = ELF64_R_SYM(r[i].r_info);
		const char *name;

		if (!is_import(target, ELF64_R_TYPE(r[i].r_info)) ||
		    !is_undefined(st, sym))
			continue;
		name = sym_name(st, sym);
		fprintf(out, "\t.reloc ., R_AARCH64_PREL32, __hyp_section_%s + %#llx\n\t.long 0\n",
			target, (unsigned long long)r[i].r_offset);
		fprintf(out, "\t.long .Lhypimport_name_%u - .\n\t.quad %s + %lld\n",
			*nr, name, (long long)r[i].r_addend);
		fprintf(out, "\t.pushsection .hyp.import.names, \"a\", %%progbits\n");
		fprintf(out, ".Lhypimport_name_%u:\n\t.asciz \"%s\"\n\t.popsection\n",
			*nr, name);
		(*nr)++;
	}
}

static void emit_import_list(const struct obj *o, const struct symtab *st,
			     FILE *out)
{
	unsigned int i, nr = 0;

	fprintf(out, "\t.section .hyp.import, \"a\", %%progbits\n\t.balign 8\n");
	fprintf(out, "\t.global __hypimport_start\n__hypimport_start:\n");
	for (i = 0; i < o->eh->e_shnum; i++)
		if (o->sh[i].sh_type == SHT_RELA)
			emit_imports(o, i, st, out, &nr);
	fprintf(out, "\t.global __hypimport_end\n__hypimport_end:\n");
}

int gen_hyprel(const void *buf, size_t len, const char *path, FILE *out,
	       FILE *err)
{
	return gen_hyprel_for(buf, len, path, NULL, out, err);
}

int gen_hyprel_for(const void *buf, size_t len, const char *path,
		   const struct gen_hyprel_kernel *kernel, FILE *out, FILE *err)
{
	struct obj o = { .buf = buf, .len = len, .err = err, .path = path,
			 .kernel = kernel };
	struct symtab st = { 0 };
	bool have_symtab = false;
	unsigned int i;

	if (load_headers(&o))
		return -1;
	for (i = 0; i < o.eh->e_shnum; i++) {
		if (o.sh[i].sh_type != SHT_SYMTAB)
			continue;
		if (have_symtab)
			return fail(&o, "more than one symbol table");
		if (load_symtab(&o, i, &st))
			return -1;
		have_symtab = true;
	}
	if (!have_symtab)
		return fail(&o, "no symbol table");

	fprintf(out, "/* generated by pkvmkit-gen-hyprel from %s */\n", path);
	fprintf(out, "\t.section .hyp.reloc, \"a\", %%progbits\n\t.balign 4\n");
	fprintf(out, "\t.global __hyprel_start\n__hyprel_start:\n");
	for (i = 0; i < o.eh->e_shnum; i++) {
		if (o.sh[i].sh_type == SHT_REL)
			return fail(&o, "%s: SHT_REL relocations are not supported",
				    sec_name(&o, i));
		if (o.sh[i].sh_type == SHT_RELA && emit_relocs(&o, i, &st, out))
			return -1;
	}
	fprintf(out, "\t.global __hyprel_end\n__hyprel_end:\n");
	emit_import_list(&o, &st, out);
	return 0;
}

#ifndef GEN_HYPREL_NO_MAIN
static uint8_t *read_file(const char *path, size_t *len)
{
	uint8_t *buf = NULL, *more;
	size_t cap = 0, n;
	FILE *f = fopen(path, "rb");

	*len = 0;
	if (!f) {
		fprintf(stderr, "pkvmkit-gen-hyprel: %s: %s\n", path,
			strerror(errno));
		return NULL;
	}
	do {
		if (*len == cap) {
			cap = cap ? 2 * cap : 1 << 16;
			more = realloc(buf, cap + 1);
			if (!more) {
				fprintf(stderr, "pkvmkit-gen-hyprel: out of memory\n");
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = more;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n);
	fclose(f);
	buf[*len] = 0;
	return buf;
}

/*
 * The names in a Module.symvers ("crc<TAB>name<TAB>module<TAB>export..."
 * per line), sorted; they point into @text, which this edits.
 */
static int load_symvers(char *text, struct gen_hyprel_kernel *k)
{
	const char **names = NULL, **more;
	size_t cap = 0;
	char *line, *save = NULL;

	k->nr = 0;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *name = strchr(line, '\t'), *end;

		if (!name)
			continue;
		end = strchr(++name, '\t');
		if (end)
			*end = 0;
		if (k->nr == cap) {
			cap = cap ? 2 * cap : 1024;
			more = realloc(names, cap * sizeof(*names));
			if (!more) {
				free(names);
				return -1;
			}
			names = more;
		}
		names[k->nr++] = name;
	}
	qsort(names, k->nr, sizeof(*names), cmp_name);
	k->names = names;
	return 0;
}

int main(int argc, char **argv)
{
	struct gen_hyprel_kernel kernel = { NULL, 0 };
	char *symvers = NULL;
	uint8_t *buf;
	size_t len;
	int ret;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: %s kvm_nvhe.tmp.o [kernel Module.symvers] > hyp-reloc.S\n",
			argv[0]);
		return 2;
	}
	if (argc == 3) {
		symvers = (char *)read_file(argv[2], &len);
		if (!symvers || load_symvers(symvers, &kernel)) {
			free(symvers);
			return 1;
		}
	}
	buf = read_file(argv[1], &len);
	ret = buf ? gen_hyprel_for(buf, len, argv[1], &kernel, stdout, stderr) : -1;
	free(buf);
	free((void *)kernel.names);
	free(symvers);
	return ret ? 1 : 0;
}
#endif
