// Package sed is the toolbox's sed: POSIX sed with the GNU extensions people type (-i,
// -E, -s, a/i/c one-liners, the I flag). parse.go compiles a script into commands,
// input.go reads the input files as one stream, exec.go runs the commands a cycle a
// line, sed.go is the command line.
package sed
