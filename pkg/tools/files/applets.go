package files

import "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"

// Applets is every applet of the family, one line each, sorted by name: package all
// installs it, and a new applet (one file, named after it) adds its line here.
var Applets = []*tools.Applet{
	&Basename,
	&Cat,
	&Chmod,
	&Chown,
	&Cp,
	&Dd,
	&Df,
	&Dirname,
	&Du,
	&File,
	&Find,
	&Head,
	&Hexdump,
	&Ln,
	&Ls,
	&Mkdir,
	&Mkfifo,
	&Mknod,
	&Mktemp,
	&More,
	&Mv,
	&Od,
	&Readlink,
	&Realpath,
	&Rm,
	&Rmdir,
	&Stat,
	&Strings,
	&Sync,
	&Tail,
	&Tee,
	&Touch,
	&Truncate,
	&Wc,
	&Xargs,
	&Xxd,
}
