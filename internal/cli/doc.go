// Package cli is the command line of kubectl-ddebug: the cobra commands, their flags, the
// progress and hint lines and the exit codes. It is the only package that prints; the work
// is done in pkg/.
package cli
