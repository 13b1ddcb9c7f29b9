// Package shell is the toolbox's POSIX shell (mvdan.cc/sh), registered as the applet sh:
// scripts, -c, pipes and redirections, with every applet run in-process and an interactive
// prompt with line editing and history.
package shell
