// Package files is the family of applets that look at and change files, one file each,
// named after the applet: ls, cat, head, tail, more, less, vi, find, xargs, stat, wc, du, df,
// file, hexdump, xxd, strings, cp, mv, rm, ln, mkdir, rmdir, touch, chmod, chown,
// readlink, realpath, basename, dirname, tee, od, dd, mktemp, truncate, sync, mkfifo,
// mknod, split. What several share: operands.go (walking and resolving operands), input.go
// (opening inputs), count.go (head/tail counts), mode.go and fileinfo.go (modes,
// ownership, devices), fullscreen.go (the terminal of less and vi).
package files
