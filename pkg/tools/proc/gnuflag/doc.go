// Package gnuflag is a small GNU-style command-line parser for the toolbox applets:
// combined short flags (-tlnp), short flags with attached or separate values (-p1, -p 1),
// long flags (--numeric, --port=53), "--" to end the flags, and options mixed with operands.
package gnuflag
