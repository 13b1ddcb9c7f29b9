// Package posixre translates POSIX regular expressions, basic (BRE: grep, sed) and
// extended as GNU extends them (ERE: grep -E, sed -E, awk), into the syntax of Go's
// regexp, which grep, sed and awk then compile. Go's engine has no back-references, so a
// pattern with \1 is refused with a clear error rather than misread.
package posixre
