// Package toolbox is the toolbox program: multi-call dispatch by argv[0] (sh, ls, ps, ...),
// `toolbox <applet> args`, `help`, and the hidden session stage that pkg/nsenter starts inside
// a container's namespaces. Both mains (the plugin and the standalone toolbox) call Main.
package toolbox
