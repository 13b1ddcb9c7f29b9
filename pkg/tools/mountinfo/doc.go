// Package mountinfo reads /proc/<pid>/mountinfo for the toolbox's mount, findmnt, df and
// stat: every mount with its ids, root, target, type, source and options, unescaped and in
// the kernel's order. procfs.GetMounts is not used because it keeps the options in maps,
// and mount/findmnt must print them in the order the kernel lists them.
package mountinfo
