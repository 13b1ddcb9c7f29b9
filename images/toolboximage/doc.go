// Package toolboximage builds the toolbox image: a FROM-scratch image holding the static
// ddebug-toolbox binary, its applet names as links, a /target link the toolbox points at
// the target's root, passwd/group files and CA certificates. It builds without a daemon,
// as a multi-arch OCI index, reproducibly: the same sources give the same digest.
package toolboximage
