// Package sessionbin finds the program a host session runs inside the target: the small
// static toolbox, not the whole plugin (its start, and its copy where it must be copied,
// cost time in proportion to its size). It is embedded at build time (tag ddebug_embed, see
// Makefile), else found beside the plugin, else the plugin itself, which is a toolbox too;
// each is named by its Go build ID, the key of the store it is sealed from (Store).
package sessionbin
