// Package toolbox is the toolbox program: multi-call dispatch by argv[0] (sh, ls, ps, ...),
// `toolbox <applet> args`, `help`, and the hidden session stage that pkg/nsenter starts inside
// a container's namespaces. Main is the one argv[0] dispatcher: both mains (the plugin, with
// ddebug's command line, and the standalone toolbox, without) are a call to it.
package toolbox
