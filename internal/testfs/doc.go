// Package testfs holds file-tree helpers that tests of several packages share.
package testfs
