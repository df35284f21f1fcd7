// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for pkvmkit-gen-hyprel (sdk/tools/gen-hyprel.c) on ELF
 * objects crafted here: what it lists, what it lets through, what it
 * refuses (naming the symbol), and malformed input of every kind.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "../../sdk/tools/gen-hyprel.h"

#ifndef R_AARCH64_PLT32
#define R_AARCH64_PLT32	314
#endif

enum { S_NULL, S_TEXT, S_DATA, S_RELA, S_DEBUG, S_RELA_DEBUG, S_SYMTAB,
       S_STRTAB, S_SHSTRTAB, NR_SECS };

#define SEC_SIZE	0x100
#define MAX_RELAS	8

struct obj {
	Elf64_Ehdr eh;
	Elf64_Shdr sh[NR_SECS];
	Elf64_Sym syms[3];
	Elf64_Rela relas[MAX_RELAS];
	Elf64_Rela debug_rela;
	char strtab[32];
	char shstrtab[128];
	unsigned char text[SEC_SIZE], data[SEC_SIZE], debug[SEC_SIZE];
};

static unsigned int name_off(char *tab, size_t *len, const char *name)
{
	unsigned int off = *len;

	strcpy(tab + off, name);
	*len += strlen(name) + 1;
	return off;
}

#define OFF(field)	((Elf64_Off)offsetof(struct obj, field))

/*
 * A relocatable AArch64 object: .hyp.text (symbol "fn"), .hyp.data with
 * @n relocations, .debug_info with one ABS32 (which must be ignored), and
 * an undefined symbol "ext" if @undef.
 */
static struct obj *make_obj(const Elf64_Rela *r, int n, int undef)
{
	struct obj *o = calloc(1, sizeof(*o));
	size_t sl = 1, shl = 1;
	Elf64_Shdr *sh = o->sh;

	memcpy(o->eh.e_ident, ELFMAG, SELFMAG);
	o->eh.e_ident[EI_CLASS] = ELFCLASS64;
	o->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	o->eh.e_ident[EI_VERSION] = EV_CURRENT;
	o->eh.e_type = ET_REL;
	o->eh.e_machine = EM_AARCH64;
	o->eh.e_version = EV_CURRENT;
	o->eh.e_shoff = OFF(sh);
	o->eh.e_ehsize = sizeof(Elf64_Ehdr);
	o->eh.e_shentsize = sizeof(Elf64_Shdr);
	o->eh.e_shnum = NR_SECS;
	o->eh.e_shstrndx = S_SHSTRTAB;

	sh[S_TEXT] = (Elf64_Shdr){ name_off(o->shstrtab, &shl, ".hyp.text"),
		SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, OFF(text), SEC_SIZE,
		0, 0, 4096, 0 };
	sh[S_DATA] = (Elf64_Shdr){ name_off(o->shstrtab, &shl, ".hyp.data"),
		SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 0, OFF(data), SEC_SIZE,
		0, 0, 4096, 0 };
	sh[S_RELA] = (Elf64_Shdr){ name_off(o->shstrtab, &shl, ".rela.hyp.data"),
		SHT_RELA, 0, 0, OFF(relas), n * sizeof(Elf64_Rela), S_SYMTAB,
		S_DATA, 8, sizeof(Elf64_Rela) };
	sh[S_DEBUG] = (Elf64_Shdr){ name_off(o->shstrtab, &shl, ".debug_info"),
		SHT_PROGBITS, 0, 0, OFF(debug), SEC_SIZE, 0, 0, 1, 0 };
	sh[S_RELA_DEBUG] = (Elf64_Shdr){
		name_off(o->shstrtab, &shl, ".rela.debug_info"), SHT_RELA, 0, 0,
		OFF(debug_rela), sizeof(Elf64_Rela), S_SYMTAB, S_DEBUG, 8,
		sizeof(Elf64_Rela) };
	sh[S_SYMTAB] = (Elf64_Shdr){ name_off(o->shstrtab, &shl, ".symtab"),
		SHT_SYMTAB, 0, 0, OFF(syms), (undef ? 3 : 2) * sizeof(Elf64_Sym),
		S_STRTAB, 1, 8, sizeof(Elf64_Sym) };
	sh[S_STRTAB] = (Elf64_Shdr){ name_off(o->shstrtab, &shl, ".strtab"),
		SHT_STRTAB, 0, 0, OFF(strtab), sizeof(o->strtab), 0, 0, 1, 0 };
	sh[S_SHSTRTAB] = (Elf64_Shdr){ name_off(o->shstrtab, &shl, ".shstrtab"),
		SHT_STRTAB, 0, 0, OFF(shstrtab), sizeof(o->shstrtab), 0, 0, 1, 0 };

	o->syms[1] = (Elf64_Sym){ name_off(o->strtab, &sl, "fn"),
		ELF64_ST_INFO(STB_GLOBAL, STT_FUNC), 0, S_TEXT, 0x10, 4 };
	o->syms[2] = (Elf64_Sym){ name_off(o->strtab, &sl, "ext"),
		ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE), 0, SHN_UNDEF, 0, 0 };
	if (n)
		memcpy(o->relas, r, n * sizeof(*r));
	o->debug_rela = (Elf64_Rela){ 4, ELF64_R_INFO(1, R_AARCH64_ABS32), 0 };
	return o;
}

static Elf64_Rela rela(Elf64_Addr off, unsigned int sym, unsigned int type)
{
	return (Elf64_Rela){ off, ELF64_R_INFO(sym, type), 0 };
}

struct result {
	int ret;
	char *out, *err;
};

static struct result run_for(const void *buf, size_t len,
			     const struct gen_hyprel_kernel *kernel)
{
	struct result r;
	size_t ol, el;
	FILE *out = open_memstream(&r.out, &ol);
	FILE *err = open_memstream(&r.err, &el);

	r.ret = gen_hyprel_for(buf, len, "t.o", kernel, out, err);
	fclose(out);
	fclose(err);
	return r;
}

static struct result run(const void *buf, size_t len)
{
	return run_for(buf, len, NULL);
}

static void done(struct result *r, struct obj *o)
{
	free(r->out);
	free(r->err);
	free(o);
}

static int count(const char *s, const char *needle)
{
	int n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s++;
	}
	return n;
}

TEST(abs64_listed_with_section_and_offset)
{
	Elf64_Rela r[] = { rela(0x10, 1, R_AARCH64_ABS64),
			   rela(0x28, 1, R_AARCH64_ABS64) };
	struct obj *o = make_obj(r, 2, 0);
	struct result res = run(o, sizeof(*o));

	EXPECT_EQ(res.ret, 0);
	EXPECT(strstr(res.out, "R_AARCH64_PREL32, __hyp_section_.hyp.data + 0x10"));
	EXPECT(strstr(res.out, "__hyp_section_.hyp.data + 0x28"));
	EXPECT_EQ(count(res.out, ".long 0"), 2);
	EXPECT(strstr(res.out, "__hyprel_start:") < strstr(res.out, "__hyprel_end:"));
	EXPECT(strstr(res.out, ".section .hyp.reloc"));
	EXPECT_EQ(strlen(res.err), 0);
	done(&res, o);
}

TEST(pc_relative_relocations_need_nothing)
{
	Elf64_Rela r[] = { rela(0, 1, R_AARCH64_CALL26),
			   rela(4, 1, R_AARCH64_ADR_PREL_PG_HI21),
			   rela(8, 1, R_AARCH64_ADD_ABS_LO12_NC),
			   rela(12, 1, R_AARCH64_PREL32),
			   rela(16, 1, R_AARCH64_JUMP26),
			   rela(20, 1, R_AARCH64_PLT32),
			   rela(24, 1, R_AARCH64_LDST64_ABS_LO12_NC) };
	struct obj *o = make_obj(r, 7, 0);
	struct result res = run(o, sizeof(*o));

	EXPECT_EQ(res.ret, 0);
	EXPECT_EQ(count(res.out, "\t.reloc ."), 0);
	done(&res, o);
}

TEST(absolute_32_bit_refused_naming_the_symbol)
{
	Elf64_Rela r[] = { rela(0x20, 1, R_AARCH64_ABS32) };
	struct obj *o = make_obj(r, 1, 0);
	struct result res = run(o, sizeof(*o));

	EXPECT_EQ(res.ret, -1);
	EXPECT(strstr(res.err, "'fn'"));
	EXPECT(strstr(res.err, "cannot work at EL2"));
	EXPECT(strstr(res.err, ".hyp.data+0x20"));
	done(&res, o);
}

TEST(movw_absolute_refused)
{
	Elf64_Rela r[] = { rela(0, 1, R_AARCH64_MOVW_UABS_G0_NC) };
	struct obj *o = make_obj(r, 1, 0);
	struct result res = run(o, sizeof(*o));

	EXPECT_EQ(res.ret, -1);
	EXPECT(strstr(res.err, "'fn'"));
	done(&res, o);
}

TEST(undefined_symbol_refused_naming_it)
{
	Elf64_Rela r[] = { rela(0x10, 2, R_AARCH64_ABS64) };
	struct obj *o = make_obj(r, 1, 1);
	struct result res = run(o, sizeof(*o));

	EXPECT_EQ(res.ret, -1);
	EXPECT(strstr(res.err, "'ext'"));
	EXPECT(strstr(res.err, "not part of the module's EL2 code"));
	EXPECT(strstr(res.err, "pkvm_module_ops"));
	done(&res, o);
}

/* The relocations of make_obj() apply to .hyp.text instead. */
static struct obj *make_text_obj(const Elf64_Rela *r, int n)
{
	struct obj *o = make_obj(r, n, 1);

	o->sh[S_RELA].sh_info = S_TEXT;
	return o;
}

TEST(call_to_undefined_symbol_listed_as_import)
{
	Elf64_Rela r[] = { rela(0x8, 2, R_AARCH64_CALL26),
			   rela(0x20, 2, R_AARCH64_JUMP26),
			   rela(0x30, 1, R_AARCH64_CALL26) };
	struct obj *o = make_text_obj(r, 3);
	struct result res = run(o, sizeof(*o));
	const char *list = strstr(res.out, "__hypimport_start:");

	EXPECT_EQ(res.ret, 0);
	EXPECT(list && list < strstr(res.out, "__hypimport_end:"));
	EXPECT(strstr(res.out, ".section .hyp.import,"));
	EXPECT(list && strstr(list, "__hyp_section_.hyp.text + 0x8"));
	EXPECT(list && strstr(list, "__hyp_section_.hyp.text + 0x20"));
	/* a call to the module's own fn is no import */
	EXPECT(list && !strstr(list, "+ 0x30"));
	EXPECT_EQ(count(res.out, ".quad ext + 0"), 2);
	EXPECT_EQ(count(res.out, ".asciz \"ext\""), 2);
	EXPECT_EQ(strlen(res.err), 0);
	done(&res, o);
}

/* With the kernel's exports known, a call to one is refused as such. */
TEST(call_to_kernel_symbol_refused_as_the_kernels)
{
	static const char *const exports[] = { "_printk", "ext", "memcpy" };
	const struct gen_hyprel_kernel kernel = { exports, 3 };
	const struct gen_hyprel_kernel others = { exports, 1 };
	Elf64_Rela r[] = { rela(0x8, 2, R_AARCH64_CALL26) };
	struct obj *o = make_text_obj(r, 1);
	struct result res = run_for(o, sizeof(*o), &kernel);

	EXPECT_EQ(res.ret, -1);
	EXPECT(strstr(res.err, "'ext'"));
	EXPECT(strstr(res.err, "a kernel function"));
	EXPECT(strstr(res.err, "pkvm_module_ops"));
	free(res.out);
	free(res.err);
	res = run_for(o, sizeof(*o), &others);
	EXPECT_EQ(res.ret, 0);
	EXPECT_EQ(count(res.out, ".quad ext + 0"), 1);
	done(&res, o);
}

TEST(no_imports_gives_an_empty_list)
{
	struct obj *o = make_obj(NULL, 0, 0);
	struct result res = run(o, sizeof(*o));
	const char *list = strstr(res.out, "__hypimport_start:");

	EXPECT_EQ(res.ret, 0);
	EXPECT(list && !strstr(list, ".quad"));
	done(&res, o);
}

TEST(address_of_undefined_symbol_refused)
{
	Elf64_Rela r[] = { rela(0x8, 2, R_AARCH64_ADR_PREL_PG_HI21) };
	struct obj *o = make_text_obj(r, 1);
	struct result res = run(o, sizeof(*o));

	EXPECT_EQ(res.ret, -1);
	EXPECT(strstr(res.err, "'ext'"));
	EXPECT(strstr(res.err, ".hyp.text+0x8"));
	done(&res, o);
}

TEST(call_from_outside_the_text_refused)
{
	/* a branch relocation in .hyp.data is no call from EL2 code */
	Elf64_Rela r[] = { rela(0x8, 2, R_AARCH64_CALL26) };
	struct obj *o = make_obj(r, 1, 1);
	struct result res = run(o, sizeof(*o));

	EXPECT_EQ(res.ret, -1);
	EXPECT(strstr(res.err, "'ext'"));
	done(&res, o);
}

TEST(weak_undefined_call_refused)
{
	Elf64_Rela r[] = { rela(0x8, 2, R_AARCH64_CALL26) };
	struct obj *o = make_text_obj(r, 1);
	struct result res;

	o->syms[2].st_info = ELF64_ST_INFO(STB_WEAK, STT_NOTYPE);
	res = run(o, sizeof(*o));
	EXPECT_EQ(res.ret, -1);
	EXPECT(strstr(res.err, "'ext', a weak undefined symbol"));
	done(&res, o);
}

TEST(relocations_of_other_sections_ignored)
{
	/* .rela.debug_info holds an ABS32: not EL2 code, not our business */
	struct obj *o = make_obj(NULL, 0, 0);
	struct result res = run(o, sizeof(*o));

	EXPECT_EQ(res.ret, 0);
	EXPECT_EQ(count(res.out, "\t.reloc ."), 0);
	done(&res, o);
}

TEST(rel_sections_refused)
{
	struct obj *o = make_obj(NULL, 0, 0);
	struct result res;

	o->sh[S_RELA_DEBUG].sh_type = SHT_REL;
	res = run(o, sizeof(*o));
	EXPECT_EQ(res.ret, -1);
	EXPECT(strstr(res.err, "SHT_REL"));
	done(&res, o);
}

/* One malformation each; every one must be refused, none may crash. */
TEST(malformed_objects_refused)
{
	static const struct {
		const char *what, *msg;
	} cases[] = {
		{ "magic", "not an ELF file" },
		{ "class", "not ELF64" },
		{ "machine", "not an AArch64" },
		{ "type", "not an AArch64 relocatable" },
		{ "shoff", "bad section header table" },
		{ "shnum", "bad section header table" },
		{ "shstrndx", "bad section name table index" },
		{ "shstrtab", "bad section name table" },
		{ "text-size", "lies outside the file" },
		{ "symtab-off", "lies outside the file" },
		{ "symtab-link", "bad symbol table" },
		{ "strtab-type", "bad symbol string table" },
		{ "rela-info", "bad relocation section" },
		{ "rela-size", "lies outside the file" },
		{ "rela-sym", "bad symbol index" },
		{ "rela-offset", "lies outside" },
		{ "no-symtab", "no symbol table" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		Elf64_Rela r[] = { rela(0x10, 1, R_AARCH64_ABS64) };
		struct obj *o = make_obj(r, 1, 0);
		const char *w = cases[i].what;
		struct result res;

		if (!strcmp(w, "magic"))
			o->eh.e_ident[1] = 'X';
		else if (!strcmp(w, "class"))
			o->eh.e_ident[EI_CLASS] = ELFCLASS32;
		else if (!strcmp(w, "machine"))
			o->eh.e_machine = EM_X86_64;
		else if (!strcmp(w, "type"))
			o->eh.e_type = ET_EXEC;
		else if (!strcmp(w, "shoff"))
			o->eh.e_shoff = sizeof(*o) - 8;
		else if (!strcmp(w, "shnum"))
			o->eh.e_shnum = 0xffff;
		else if (!strcmp(w, "shstrndx"))
			o->eh.e_shstrndx = NR_SECS;
		else if (!strcmp(w, "shstrtab"))
			o->sh[S_SHSTRTAB].sh_size = 1ULL << 40;
		else if (!strcmp(w, "text-size"))
			o->sh[S_TEXT].sh_size = sizeof(*o);
		else if (!strcmp(w, "symtab-off"))
			o->sh[S_SYMTAB].sh_offset = ~0ULL - 4;
		else if (!strcmp(w, "symtab-link"))
			o->sh[S_SYMTAB].sh_link = 99;
		else if (!strcmp(w, "strtab-type"))
			o->sh[S_STRTAB].sh_type = SHT_PROGBITS;
		else if (!strcmp(w, "rela-info"))
			o->sh[S_RELA].sh_info = 99;
		else if (!strcmp(w, "rela-size"))
			o->sh[S_RELA].sh_size = 1ULL << 62;
		else if (!strcmp(w, "rela-sym"))
			o->relas[0] = rela(0x10, 99, R_AARCH64_ABS64);
		else if (!strcmp(w, "rela-offset"))
			o->relas[0] = rela(SEC_SIZE - 4, 1, R_AARCH64_ABS64);
		else if (!strcmp(w, "no-symtab"))
			o->sh[S_SYMTAB].sh_type = SHT_PROGBITS;
		res = run(o, sizeof(*o));
		if (!EXPECT_EQ(res.ret, -1) || !EXPECT(strstr(res.err, cases[i].msg)))
			tap_diag(__FILE__, __LINE__, "case %s: %s", w, res.err);
		done(&res, o);
	}
}

TEST(truncated_objects_refused)
{
	Elf64_Rela r[] = { rela(0x10, 1, R_AARCH64_ABS64) };
	struct obj *o = make_obj(r, 1, 0);
	size_t len;

	/* every prefix of a valid object: refused or complete, never a crash */
	for (len = 0; len < sizeof(*o); len += 7) {
		struct result res = run(o, len);

		EXPECT_EQ(res.ret, -1);
		free(res.out);
		free(res.err);
	}
	free(o);
}

/* Random corruption: whatever comes in, a clean answer (ASan watches). */
TEST(random_corruption_never_crashes)
{
	Elf64_Rela r[] = { rela(0x10, 1, R_AARCH64_ABS64),
			   rela(0x20, 1, R_AARCH64_CALL26) };
	unsigned long long seed = 0x9e3779b97f4a7c15ULL;
	int i, j, ok = 0, refused = 0;

	for (i = 0; i < 5000; i++) {
		struct obj *o = make_obj(r, 2, 0);
		unsigned char *b = (unsigned char *)o;
		struct result res;

		for (j = 0; j < 4; j++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			b[seed % offsetof(struct obj, text)] ^= (unsigned char)(seed >> 32);
		}
		res = run(o, sizeof(*o));
		EXPECT(res.ret == 0 || res.ret == -1);
		if (res.ret)
			refused++;
		else
			ok++;
		done(&res, o);
	}
	printf("# %d accepted, %d refused\n", ok, refused);
	EXPECT(refused > 0);
}

int main(void)
{
	TAP_START();
	RUN(abs64_listed_with_section_and_offset);
	RUN(pc_relative_relocations_need_nothing);
	RUN(absolute_32_bit_refused_naming_the_symbol);
	RUN(movw_absolute_refused);
	RUN(undefined_symbol_refused_naming_it);
	RUN(call_to_undefined_symbol_listed_as_import);
	RUN(call_to_kernel_symbol_refused_as_the_kernels);
	RUN(no_imports_gives_an_empty_list);
	RUN(address_of_undefined_symbol_refused);
	RUN(call_from_outside_the_text_refused);
	RUN(weak_undefined_call_refused);
	RUN(relocations_of_other_sections_ignored);
	RUN(rel_sections_refused);
	RUN(malformed_objects_refused);
	RUN(truncated_objects_refused);
	RUN(random_corruption_never_crashes);
	return TAP_END("test_gen_hyprel");
}
