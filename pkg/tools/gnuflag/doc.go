// Package gnuflag is the toolbox's one command-line parser: every applet parses its flags
// with it, the way GNU getopt_long does. Short flags cluster (-lah), take a value attached
// or separate (-n5, -n 5); long flags take one after '=' or as the next word (--lines=5,
// --lines 5) and may be abbreviated to any unambiguous prefix (--num for --numeric); "--"
// ends the flags; "-" alone is an operand. Flags and operands mix (ls dir -l) unless the
// applet sets StopAtOperand (env, xargs: the operands are a command with flags of its own)
// or the environment has POSIXLY_CORRECT, as with GNU. --help prints the applet's usage.
//
// Applets never import the standard library's flag package (its single-dash long flags and
// no clustering are not what a user of GNU or BusyBox tools types); the layering test
// enforces it.
package gnuflag
