//go:build amd64

#include "textflag.h"

// func quoteScanSSE2(p *byte, n int, out *uint64) uint16
//
// n >= 16. The quote masks of the 16-byte blocks of p[:n] are stored as
// 16-bit words at out, the last (partial) block's from an overlapping load
// of p[n-16:n], shifted; the result is the OR of the backslash masks.
TEXT ·quoteScanSSE2(SB), NOSPLIT, $0-26
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), R9
	MOVQ out+16(FP), DI
	MOVQ $0x2222222222222222, AX
	MOVQ AX, X1
	PUNPCKLQDQ X1, X1
	MOVQ $0x5c5c5c5c5c5c5c5c, AX
	MOVQ AX, X2
	PUNPCKLQDQ X2, X2
	PXOR X5, X5
	MOVQ R9, CX
	SHRQ $6, CX
	JZ blocks16

loop64:
	MOVOU 0(SI), X0
	MOVOU 16(SI), X6
	MOVOU 32(SI), X7
	MOVOU 48(SI), X8
	MOVOA X0, X3
	PCMPEQB X1, X0
	PMOVMSKB X0, AX
	PCMPEQB X2, X3
	POR X3, X5
	MOVOA X6, X3
	PCMPEQB X1, X6
	PMOVMSKB X6, BX
	PCMPEQB X2, X3
	POR X3, X5
	MOVOA X7, X3
	PCMPEQB X1, X7
	PMOVMSKB X7, DX
	PCMPEQB X2, X3
	POR X3, X5
	MOVOA X8, X3
	PCMPEQB X1, X8
	PMOVMSKB X8, R8
	PCMPEQB X2, X3
	POR X3, X5
	SHLQ $16, BX
	ORQ BX, AX
	SHLQ $32, DX
	ORQ DX, AX
	SHLQ $48, R8
	ORQ R8, AX
	MOVQ AX, (DI)
	ADDQ $64, SI
	ADDQ $8, DI
	DECQ CX
	JNZ loop64

blocks16:
	MOVQ R9, CX
	ANDQ $63, CX
	SHRQ $4, CX
	JZ tail

loop16:
	MOVOU (SI), X0
	MOVOA X0, X3
	PCMPEQB X1, X0
	PMOVMSKB X0, AX
	MOVW AX, (DI)
	PCMPEQB X2, X3
	POR X3, X5
	ADDQ $16, SI
	ADDQ $2, DI
	DECQ CX
	JNZ loop16

tail:
	MOVQ R9, CX
	ANDQ $15, CX
	JZ done
	// the last 16 bytes of p, of which the first 16-CX are done
	MOVQ CX, BX
	SUBQ $16, BX
	MOVOU (SI)(BX*1), X0
	MOVOA X0, X3
	PCMPEQB X1, X0
	PMOVMSKB X0, AX
	MOVQ $16, DX
	SUBQ CX, DX
	MOVQ DX, CX
	SHRQ CX, AX
	MOVW AX, (DI)
	PCMPEQB X2, X3
	POR X3, X5

done:
	PMOVMSKB X5, AX
	MOVW AX, ret+24(FP)
	RET
