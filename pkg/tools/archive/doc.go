// Package archive holds tar, gzip and the checksum and encoding applets.
package archive
