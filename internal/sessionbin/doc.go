// Package sessionbin finds the program a host session runs inside the target: the small
// static toolbox, not the whole plugin (its copy into a sealed memfd costs time in
// proportion to its size). It is embedded at build time (tag ddebug_embed, see Makefile),
// else found beside the plugin, else the plugin itself, which is a toolbox too.
package sessionbin
