// Package flags parses GNU-style command lines for the toolbox applets: combined short
// flags (-lah), attached or separate values (-n5, -n 5, --lines=5, --lines 5), "--" to end
// options, and options mixed with operands unless the applet asks to stop at the first one.
// It also holds the two small helpers every applet family needs: Reason, the GNU wording of
// an error, and CopyContext, a copy loop that stops when the command is interrupted.
package flags
