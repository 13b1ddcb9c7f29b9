#include "textflag.h"

// The Go code entry calls reads its goroutine descriptor (g) from thread-local storage,
// at -8(FS) in a static executable, and compares its stack pointer with g's stackguard0
// before it grows a frame. entry points FS at tls, whose word holds g, a zeroed block: a
// stack guard of 0 never calls for a larger stack, and nothing else of g is read by code
// that neither allocates nor schedules. The stack is stack, static.

#define STACK_SIZE 262144

GLOBL ·g0(SB), NOPTR, $4096
GLOBL ·tls(SB), NOPTR, $16
GLOBL ·stack(SB), NOPTR, $STACK_SIZE

// entry: 0(SP) is argc, 8(SP) argv[0] (NULL without arguments), as the kernel lays it out.
TEXT ·entry(SB), NOSPLIT|NOFRAME, $0
	MOVQ	8(SP), R12
	// arch_prctl(ARCH_SET_FS, &tls+8): the word at -8(FS) is tls's first.
	MOVQ	$0x1002, DI
	LEAQ	·tls+8(SB), SI
	MOVQ	$158, AX
	SYSCALL
	CMPQ	AX, $0xfffffffffffff001
	JLS	tlsok
	MOVL	$125, DI
	MOVL	$231, AX // exit_group
	SYSCALL
tlsok:
	LEAQ	·g0(SB), AX
	MOVQ	AX, ·tls(SB)
	MOVQ	AX, R14
	LEAQ	·stack+STACK_SIZE(SB), SP
	SUBQ	$16, SP
	MOVQ	R12, 0(SP)
	CALL	·launch(SB)
	MOVQ	8(SP), DI
	MOVL	$231, AX // exit_group
	SYSCALL
	INT	$3
