//go:build amd64

#include "textflag.h"

// The separators after a key's and after a value's closing quote, with
// the next string's opening quote, as little-endian words.
#define COLONSEP $0x22203a22 // `": "`
#define COMMASEP $0x22202c22 // `", "`

// The offsets of fastFields' arrays (checked in quotes_amd64.go).
#define F_START 0
#define F_END 64
#define F_N 128
#define F_WORDS 144

#define MAXFASTJSON 8192

// CHUNK sets the low 16 bits of reg to the quote mask of the 16 bytes at
// addr (X1: 16 quotes) and ORs their backslash bytes into X5 (X2: 16
// backslashes). Clobbers X0, X3 and the rest of reg.
#define CHUNK(addr, reg) \
	MOVOU   addr, X0; \
	MOVOA   X1, X3; \
	PCMPEQB X0, X3; \
	PMOVMSKB X3, reg; \
	PCMPEQB X2, X0; \
	POR     X0, X5

// keyTab identifies keys by w, the eight bytes up to and including their
// closing quote. A key holds no quote, so a quote in w before the last
// byte is the key's opening one: w then holds the whole key, and the
// bytes before it, which the shape fixes: `", "` after a value, `{"` at
// the start of the object (where w is loaded from js[0] and shifted, zeros
// coming before the brace). The keys of interest are short enough for
// that, but "filename", matched by `ilename"` only: the two bytes before
// are checked at the end (shape). Slot (w*M)>>60 (M = -2066117701, which
// makes the slots of the eight words below distinct) holds one such word
// at 8*slot and its field identifier at 128+slot; empty slots hold zero,
// which is no w.
DATA keyTab<>+0x00(SB)/8, $0x2273757461747322 // 0: `"status"`
DATA keyTab<>+0x20(SB)/8, $0x226c7275227b0000 // 4: `{"url"` at the start
DATA keyTab<>+0x28(SB)/8, $0x226c727522202c22 // 5: `", "url"`
DATA keyTab<>+0x30(SB)/8, $0x226874676e656c22 // 6: `"length"`
DATA keyTab<>+0x38(SB)/8, $0x2274657366666f22 // 7: `"offset"`
DATA keyTab<>+0x58(SB)/8, $0x22656d616e656c69 // 11: `ilename"`
DATA keyTab<>+0x68(SB)/8, $0x22656d696d227b00 // 13: `{"mime"` at the start
DATA keyTab<>+0x70(SB)/8, $0x22656d696d22202c // 14: `, "mime"`
// field identifiers: fStatus 5 (slot 0), fURL 1 (4, 5), fLength 3 (6),
// fOffset 4 (7); fFilename 6 (11), fMIME 2 (13, 14)
DATA keyTab<>+0x80(SB)/8, $0x0403010100000005
DATA keyTab<>+0x88(SB)/8, $0x0002020006000000
GLOBL keyTab<>(SB), RODATA|NOPTR, $0x90

// patterns holds 16 quotes and 16 backslashes.
DATA patterns<>+0x00(SB)/8, $0x2222222222222222
DATA patterns<>+0x08(SB)/8, $0x2222222222222222
DATA patterns<>+0x10(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA patterns<>+0x18(SB)/8, $0x5c5c5c5c5c5c5c5c
GLOBL patterns<>(SB), RODATA|NOPTR, $0x20

// func fastScan(js *byte, n int, f *fastFields) int
//
// fastScan is fastFields.scan for the n bytes at js, js[0] being '{'. It
// needs BMI1 (useBMI1), and uses AVX2 if useAVX2.
//
// It first checks the length and the ends, `{"` and `"}`, then stores the
// quote bitmap of js in f.words, 64 bytes a word (with AVX2 or SSE2),
// and gives up if js holds a backslash. Then it takes the quotes in
// order from the bitmap, alternately a key's closing quote and a value's,
// and checks the four bytes there: `": "` after a key, `", "` after a
// value. The last of these is the next string's opening quote, whose bit
// is cleared without looking further (it may be in the next word: the
// refills clear it there). The bits of js[n-3] and js[n-2] are cleared
// beforehand, so that every word checked lies within js; the last value's
// closing quote is then js[n-2], and the end (running out of quotes while
// looking for a value's end) checks that nothing is left between the last
// value's opening quote and js[n-2].
TEXT ·fastScan(SB), NOSPLIT, $0-32
	CMPB ·useBMI1(SB), $0
	JEQ  redo
	MOVQ js+0(FP), SI          // SI: js throughout
	MOVQ n+8(FP), R9           // R9: n, for the scan
	MOVQ f+16(FP), R13         // R13: f throughout
	LEAQ -16(R9), AX
	CMPQ AX, $(MAXFASTJSON-16) // 16 <= n <= maxFastJSON
	JA   fail
	CMPB 1(SI), $0x22          // `{"`
	JNE  fail
	CMPW -2(SI)(R9*1), $0x7d22 // `"}`
	JNE  fail

	// The scan. R10: the end of the whole 64-byte blocks; R12: the word
	// there; CX: -8 times the number of blocks left, so that the next
	// block is at R10+8*CX and its word at R12+CX; X1: 16 quotes; X2: 16
	// backslashes; X5: the backslashes seen.
	MOVOU      patterns<>+0(SB), X1
	MOVOU      patterns<>+16(SB), X2
	PXOR       X5, X5
	MOVQ       R9, CX
	ANDQ       $-64, CX
	LEAQ       (SI)(CX*1), R10
	SHRQ       $3, CX
	LEAQ       F_WORDS(R13)(CX*1), R12
	NEGQ       CX
	JZ         tail
	CMPB       ·useAVX2(SB), $0
	JNE        blocks256

block:
	CHUNK(0(R10)(CX*8), AX)
	CHUNK(16(R10)(CX*8), BX)
	CHUNK(32(R10)(CX*8), DX)
	CHUNK(48(R10)(CX*8), R8)
	SHLQ $16, BX
	ORQ  BX, AX
	SHLQ $32, DX
	ORQ  DX, AX
	SHLQ $48, R8
	ORQ  R8, AX
	MOVQ AX, (R12)(CX*1)
	ADDQ $8, CX
	JNZ  block

tail:
	// The last r = n%64 bytes, if any, as whole 16-byte chunks and then
	// the last 16 bytes of js, which may overlap them (or the previous
	// block, when r < 16). AX: the word; DX: r.
	MOVQ R9, DX
	ANDQ $63, DX
	JZ   scanned
	XORL AX, AX
	CMPQ DX, $16
	JBE  last16
	CHUNK(0(R10), AX)
	CMPQ DX, $32
	JBE  last16
	CHUNK(16(R10), BX)
	SHLQ $16, BX
	ORQ  BX, AX
	CMPQ DX, $48
	JBE  last16
	CHUNK(32(R10), BX)
	SHLQ $32, BX
	ORQ  BX, AX

last16:
	// bytes r-16 to r-1 of the block: their mask at the top of a word,
	// shifted down by 64-r
	CHUNK(-16(R10)(DX*1), BX)
	SHLQ $48, BX
	MOVL $64, CX
	SUBQ DX, CX
	SHRQ CX, BX
	ORQ  BX, AX
	MOVQ AX, (R12)
	ADDQ $8, R12
	JMP  scanned

blocks256:
	// The same with AVX2, 32 bytes a compare; Y1, Y2 and Y5 extend X1,
	// X2 and X5.
	VPBROADCASTQ X1, Y1
	VPBROADCASTQ X2, Y2
	VPXOR        Y5, Y5, Y5

block256:
	VPCMPEQB  (R10)(CX*8), Y1, Y0
	VPCMPEQB  32(R10)(CX*8), Y1, Y3
	VPMOVMSKB Y0, AX
	VPMOVMSKB Y3, BX
	VPCMPEQB  (R10)(CX*8), Y2, Y0
	VPCMPEQB  32(R10)(CX*8), Y2, Y3
	VPOR      Y0, Y3, Y0
	VPOR      Y0, Y5, Y5
	SHLQ      $32, BX
	ORQ       BX, AX
	MOVQ      AX, (R12)(CX*1)
	ADDQ      $8, CX
	JNZ       block256

	// The last r = n%64 bytes, if any, from the last 64 bytes of js, at
	// the top of the word: shifted down by 64-r.
	MOVQ      R9, DX
	ANDQ      $63, DX
	JZ        scanned256
	VPCMPEQB  -64(R10)(DX*1), Y1, Y0
	VPCMPEQB  -32(R10)(DX*1), Y1, Y3
	VPMOVMSKB Y0, AX
	VPMOVMSKB Y3, BX
	VPCMPEQB  -64(R10)(DX*1), Y2, Y0
	VPCMPEQB  -32(R10)(DX*1), Y2, Y3
	VPOR      Y0, Y3, Y0
	VPOR      Y0, Y5, Y5
	SHLQ      $32, BX
	ORQ       BX, AX
	MOVL      $64, CX
	SUBQ      DX, CX
	SHRQ      CX, AX
	MOVQ      AX, (R12)
	ADDQ      $8, R12

scanned256:
	VEXTRACTI128 $1, Y5, X0
	VPOR         X0, X5, X5
	VZEROUPPER

scanned:
	PMOVMSKB X5, AX
	TESTL    AX, AX
	JNZ      fail    // a backslash: escapes are for parseJSON
	LEAQ     -3(R9), R14
	LEAQ     1(R14), AX
	BTRQ     R14, F_WORDS(R13) // js[n-3]; the bit offset may reach past the first word
	BTRQ     AX, F_WORDS(R13)  // js[n-2]

	// The walk. R8: the bits of the current word not yet taken; BX: the
	// position of its bit 0; DI: the word; R11: the last word; R12:
	// keyTab; DX: the position of the current key's closing quote + 4,
	// where the value starts; R10: that of the last value's closing quote
	// (-2 before the first, so that R10+3 is the first key's opening
	// quote); R9: the current key's field; R14: n-3; CX: the quote taken,
	// found by TZCNT and cleared by BLSR. A second BLSR clears the next
	// string's opening quote, the lowest bit left once the separator is
	// checked, or nothing if it is in the next word.
	LEAQ    -8(R12), R11
	LEAQ    F_WORDS(R13), DI
	LEAQ    keyTab<>(SB), R12
	MOVQ    $0, F_N(R13)
	MOVQ    $0, F_N+8(R13)
	MOVQ    $-2, R10
	XORL    BX, BX
	MOVQ    (DI), R8
	BLSRQ   R8, R8 // js[1]
	TZCNTQ  R8, CX
	JCS     keyRefill // the first key ends past js[63]: w as for the others
	CMPQ    CX, $7
	JAE     key

	// The first key ends before js[7]: w is loaded from js[0], shifted to
	// end at the key's closing quote, js[CX].
	BLSRQ  R8, R8
	CMPL   (SI)(CX*1), COLONSEP
	JNE    fail
	BLSRQ  R8, R8 // the value's opening quote
	LEAQ   4(CX), DX
	IMUL3Q $-8, CX, CX
	ADDQ   $56, CX
	MOVQ   (SI), AX
	SHLQ   CX, AX
	JMP    ident

known:
	MOVBQZX 0x80(R12)(R9*1), R9

value:
	// The closing quote of a field of interest's value at BX+CX: the
	// value is js[DX:R10]. Then on to the next key.
	TZCNTQ R8, CX
	JCS    valueRefill
	BLSRQ  R8, R8
	LEAQ   (BX)(CX*1), R10
	CMPL   (SI)(R10*1), COMMASEP
	JNE    fail
	BLSRQ  R8, R8 // the next key's opening quote
	MOVQ   DX, F_START(R13)(R9*8)
	MOVQ   R10, F_END(R13)(R9*8)
	INCW   F_N(R13)(R9*2)

key:
	// A key's closing quote at BX+CX.
	TZCNTQ R8, CX
	JCS    keyRefill
	BLSRQ  R8, R8
	LEAQ   4(BX)(CX*1), DX
	CMPL   -4(SI)(DX*1), COLONSEP
	JNE    fail
	BLSRQ  R8, R8 // the value's opening quote, if in this word (else no bit is left)
	MOVQ   -11(SI)(DX*1), AX // w

ident:
	// R9 = the field of the key ending in w
	IMUL3Q  $-2066117701, AX, R9
	SHRQ    $60, R9
	CMPQ    AX, (R12)(R9*8)
	JEQ     known

other:
	// The closing quote of another value.
	TZCNTQ R8, CX
	JCS    otherRefill
	BLSRQ  R8, R8
	LEAQ   (BX)(CX*1), R10
	CMPL   (SI)(R10*1), COMMASEP
	JNE    fail
	BLSRQ  R8, R8
	JMP    key

keyRefill:
	// The next word, in which the key's opening quote R10+3 may be.
	ADDQ $8, DI
	CMPQ DI, R11
	JA   fail // a key without its end
	ADDQ $64, BX
	MOVQ (DI), R8
	LEAQ 3(R10), AX
	CMPQ AX, BX
	JL   key
	BTRQ AX, R8
	JMP  key

valueRefill:
	// The next word, in which the value's opening quote DX-1 may be.
	ADDQ $8, DI
	CMPQ DI, R11
	JA   lastValue
	ADDQ $64, BX
	MOVQ (DI), R8
	LEAQ -1(DX), AX
	CMPQ AX, BX
	JL   value
	BTRQ AX, R8
	JMP  value

otherRefill:
	ADDQ $8, DI
	CMPQ DI, R11
	JA   last
	ADDQ $64, BX
	MOVQ (DI), R8
	LEAQ -1(DX), AX
	CMPQ AX, BX
	JL   other
	BTRQ AX, R8
	JMP  other

lastValue:
	LEAQ 1(R14), AX
	MOVQ DX, F_START(R13)(R9*8)
	MOVQ AX, F_END(R13)(R9*8)
	INCW F_N(R13)(R9*2)

last:
	// No quote is left but js[n-3] and js[n-2], js[n-2] being one. The
	// value opens at AX = DX-1 <= n-2 (js[n-1] is '}'): if at n-3, it is
	// empty; if before, js[n-3] must not be a quote; at n-2 it has no end.
	LEAQ -1(DX), AX
	CMPQ AX, R14
	JA   fail
	JEQ  shape
	CMPB (SI)(R14*1), $0x22
	JEQ  fail

shape:
	// The object has the shape: 1, or 2 if "offset" or "status" occur
	// more than once or keyTab took the last key ending in `ilename"`
	// for "filename" but it is not `"filename"`.
	MOVWLZX F_N+2*4(R13), AX
	ORW     F_N+2*5(R13), AX
	CMPW    AX, $1
	JA      redo
	CMPW    F_N+2*6(R13), $0
	JEQ     ok
	MOVQ    F_START+8*6(R13), CX
	CMPW    -13(SI)(CX*1), $0x6622 // `"f`
	JNE     redo

ok:
	MOVQ $1, ret+24(FP)
	RET

redo:
	MOVQ $2, ret+24(FP)
	RET

fail:
	MOVQ $0, ret+24(FP)
	RET

// func cpuid() (bmi1, avx2 bool)
//
// cpuid reports whether the processor has BMI1, and whether it has AVX2
// and the system saves the AVX registers.
TEXT ·cpuid(SB), NOSPLIT, $0-2
	MOVB  $0, bmi1+0(FP)
	MOVB  $0, avx2+1(FP)
	XORL  AX, AX
	CPUID
	CMPL  AX, $7
	JB    done
	MOVL  $7, AX
	XORL  CX, CX
	CPUID
	MOVL  BX, R8             // the extended features
	MOVL  BX, AX
	SHRL  $3, AX             // BMI1
	ANDL  $1, AX
	MOVB  AX, bmi1+0(FP)
	MOVL  $1, AX
	XORL  CX, CX
	CPUID
	ANDL  $(1<<27|1<<28), CX // OSXSAVE, AVX
	CMPL  CX, $(1<<27|1<<28)
	JNE   done
	XORL  CX, CX
	XGETBV                   // XCR0
	ANDL  $6, AX             // the SSE and AVX states
	CMPL  AX, $6
	JNE   done
	SHRL  $5, R8             // AVX2
	ANDL  $1, R8
	MOVB  R8, avx2+1(FP)

done:
	RET
