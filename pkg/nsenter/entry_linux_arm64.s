#include "textflag.h"

// launchEntry is the launcher's entry point without the Go runtime, on arm64: the entry of
// cmd/ddebug-launch linked with -E github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter.launchEntry.
//
// Go code on arm64 keeps its goroutine descriptor (g) in R28, and compares the stack
// pointer with g's stackguard0 before it grows a frame. launchEntry points g at launchG0, a zeroed
// block: a stack guard of 0 never calls for a larger stack, and nothing else of g is read
// by code that neither allocates nor schedules. The stack is launchStack, static.

#define STACK_SIZE 262144

GLOBL ·launchG0(SB), NOPTR, $4096
GLOBL ·launchStack(SB), NOPTR, $STACK_SIZE

// launchEntry: 0(RSP) is argc, 8(RSP) argv[0] (NULL without arguments), as the kernel lays it out.
TEXT ·launchEntry(SB), NOSPLIT|NOFRAME, $0
	MOVD	8(RSP), R0
	MOVD	$·launchG0(SB), g
	MOVD	$·launchStack+STACK_SIZE(SB), R1
	AND	$~15, R1
	MOVD	R1, RSP
	SUB	$32, RSP
	MOVD	R0, 8(RSP)
	BL	·LaunchWithoutRuntime(SB)
	MOVD	16(RSP), R0
	MOVD	$94, R8 // exit_group
	SVC
	MOVD	$0, R0
	MOVD	R0, (R0)
