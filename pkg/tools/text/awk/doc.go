// Package awk is the toolbox's awk, a POSIX awk: lex.go turns the program into tokens,
// parse.go and expr.go build the tree of ast.go, and the interpreter runs it: vm.go holds
// the variables, fields and records, eval.go the expressions, exec.go the statements,
// builtins.go the built-in functions and getline, input.go the input files; value.go is
// awk's string/number values; awk.go the command line.
//
// Output matches mawk's (the golden tests); of gawk it takes -e, "func", the bitwise
// functions, octal and hex constants and ERRNO. Commands (system, print | "cmd",
// "cmd" | getline) run through sh -c. Errors in the program are located as gawk and
// BusyBox locate them ("cmd. line:3:" or "FILE:3:") and worded as BusyBox words them.
package awk
