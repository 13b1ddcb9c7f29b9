package shell

import "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"

// Applets is every applet of the family, one line each, sorted by name: package all
// installs it, and a new applet (one file, named after it) adds its line here.
var Applets = []*tools.Applet{
	&Echo,
	&Expr,
	&False,
	&Getopt,
	&Printf,
	&Pwd,
	&Seq,
	&Sh,
	&Test,
	&True,
	&Which,
	&Yes,
}
