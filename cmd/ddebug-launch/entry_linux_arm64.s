#include "textflag.h"

// Go code on arm64 keeps its goroutine descriptor (g) in R28, and compares the stack
// pointer with g's stackguard0 before it grows a frame. entry points g at g0, a zeroed
// block: a stack guard of 0 never calls for a larger stack, and nothing else of g is read
// by code that neither allocates nor schedules. The stack is stack, static.

#define STACK_SIZE 262144

GLOBL ·g0(SB), NOPTR, $4096
GLOBL ·stack(SB), NOPTR, $STACK_SIZE

// entry: 0(RSP) is argc, 8(RSP) argv[0] (NULL without arguments), as the kernel lays it out.
TEXT ·entry(SB), NOSPLIT|NOFRAME, $0
	MOVD	8(RSP), R0
	MOVD	$·g0(SB), g
	MOVD	$·stack+STACK_SIZE(SB), R1
	AND	$~15, R1
	MOVD	R1, RSP
	SUB	$32, RSP
	MOVD	R0, 8(RSP)
	BL	·launch(SB)
	MOVD	16(RSP), R0
	MOVD	$94, R8 // exit_group
	SVC
	MOVD	$0, R0
	MOVD	R0, (R0)
