// Package text is the family of text applets: grep, sed and awk (a package each, one
// file per phase), and sort, uniq, cut, tr, comm, paste, rev, nl, fold, expand, diff, cmp,
// patch, tac and shuf (a file each). lines.go holds the line readers several of them share.
package text
