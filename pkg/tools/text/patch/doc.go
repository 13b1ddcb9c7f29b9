// Package patch is the toolbox's patch: GNU patch's applying of unified and context
// diffs. parse.go reads a diff into each file's hunks, locate.go finds where a hunk
// applies (offsets, fuzz), apply.go patches a file and chooses its name, reject.go writes
// the hunks that failed to FILE.rej, patch.go is the command line.
package patch
