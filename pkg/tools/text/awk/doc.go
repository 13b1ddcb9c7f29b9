// Package awk is the toolbox's awk, a POSIX awk: lex.go turns the program into tokens,
// parse.go and expr.go build the tree of ast.go, and the interpreter runs it: vm.go holds
// the variables, fields and records, eval.go the expressions, exec.go the statements,
// builtins.go the built-in functions and getline, input.go the input files; value.go is
// awk's string/number values; awk.go the command line.
package awk
