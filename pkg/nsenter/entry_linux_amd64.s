#include "textflag.h"

// launchEntry is an entry point that never starts the Go runtime, for a copy of a program
// whose ELF header names it (see LauncherEntry), and of cmd/ddebug-launch, linked with
// -E naming it. The Go code it calls reads its goroutine descriptor (g) from
// thread-local storage, at -8(FS) in a static executable, and compares its stack pointer
// with g's stackguard0 before it grows a frame. launchEntry points FS at launchTLS, whose
// word holds g, a zeroed block: a stack guard of 0 never calls for a larger stack, and
// nothing else of g is read by code that neither allocates nor schedules. The stack is
// launchStack, static.

#define STACK_SIZE 262144

GLOBL ·launchG0(SB), NOPTR, $4096
GLOBL ·launchTLS(SB), NOPTR, $16
GLOBL ·launchStack(SB), NOPTR, $STACK_SIZE

// 0(SP) is argc, 8(SP) argv[0] (NULL without arguments), as the kernel lays it out.
TEXT ·launchEntry(SB), NOSPLIT|NOFRAME, $0
	MOVQ	8(SP), R12
	// arch_prctl(ARCH_SET_FS, &launchTLS+8): the word at -8(FS) is launchTLS's first.
	MOVQ	$0x1002, DI
	LEAQ	·launchTLS+8(SB), SI
	MOVQ	$158, AX
	SYSCALL
	CMPQ	AX, $0xfffffffffffff001
	JLS	tlsok
	MOVL	$125, DI
	MOVL	$231, AX // exit_group
	SYSCALL
tlsok:
	LEAQ	·launchG0(SB), AX
	MOVQ	AX, ·launchTLS(SB)
	MOVQ	AX, R14
	LEAQ	·launchStack+STACK_SIZE(SB), SP
	SUBQ	$16, SP
	MOVQ	R12, 0(SP)
	CALL	·LaunchWithoutRuntime(SB)
	MOVQ	8(SP), DI
	MOVL	$231, AX // exit_group
	SYSCALL
	INT	$3

// launchEntryPC returns launchEntry's address.
TEXT ·launchEntryPC(SB), NOSPLIT, $0-8
	MOVQ	$·launchEntry(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
