// Package litfind finds what every match of a regular expression must contain, fast: the
// longest required literal (RequiredLiteral) or a run of byte classes such as
// [0-9]x[0-9] (RequiredFactor), and Finders that scan a buffer for them by their rarest
// byte with bytes.IndexByte. grep runs the regexp only on the lines they find. Set finds
// any of many literals in one pass (Aho-Corasick), for grep -f with a list of strings.
package litfind
