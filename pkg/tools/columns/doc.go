// Package columns prints rows in columns sized to their content, the way util-linux
// (libsmartcols) and iproute2's ss lay out their tables.
package columns
