// Package humanize writes a byte count the way a tool's -h flag does, and reads the counts
// with a multiplier suffix that tools take (10K, 2MiB, 1kB, 4b). The tools the toolbox
// imitates disagree on purpose, so there is one function each way with a value per family of
// tools. Writing: Size with a Format, GNU (ls, du, df -h: 1023, 1.1K, 12K, rounded up),
// Procps (free -h: 8.7Mi, 879Mi, truncated) and IEC (the cgroup applet: 1.5KiB, 12MiB,
// rounded to nearest). Reading: ParseSize with a SizeSyntax, the set of suffixes one tool
// takes (as the valid suffixes GNU's xstrtol is given), defined beside the applet.
package humanize
