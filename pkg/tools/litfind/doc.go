// Package litfind finds what every match of a regular expression must contain, fast: the
// longest required literal (RequiredLiteral) or a run of byte classes such as
// [0-9]x[0-9] (RequiredFactor), and Finders that scan a buffer for them by their rarest
// byte with bytes.IndexByte. grep runs the regexp only on the lines they find.
package litfind
