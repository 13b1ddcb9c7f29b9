// Package text is the family of text applets: grep, sed, awk and patch (a package each,
// one file per phase), and sort, uniq, cut, tr, comm, paste, rev, nl, fold, expand, diff,
// cmp, tac and shuf (a file each). lines.go holds the line readers several of them share.
package text
