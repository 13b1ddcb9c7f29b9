// Package grep is the toolbox's grep (egrep, fgrep): GNU grep's flags and output, C
// locale. grep.go parses the command line; match.go decides whether and where a line
// matches (a required literal or factor found first with litfind, then the DFA of package
// dfa, and Go's regexp only where those are not sure); search.go reads a file a buffer at
// a time and selects lines with their context; walk.go is -r; output.go prints.
package grep
