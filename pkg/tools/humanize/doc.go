// Package humanize writes a byte count the way a tool's -h flag does. The tools the
// toolbox imitates disagree on purpose, so there is one function, Size, and one Format per
// family of tools: GNU (ls, du, df -h: 1023, 1.1K, 12K, rounded up), Procps (free -h:
// 8.7Mi, 879Mi, truncated) and IEC (the cgroup applet: 1.5KiB, 12MiB, rounded to nearest).
package humanize
