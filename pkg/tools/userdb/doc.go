// Package userdb maps user and group ids to names from the /etc/passwd and /etc/group of
// the current root, read as plain data (no cgo, no NSS). A FROM-scratch root often has
// neither file: then names are absent and callers print numbers.
package userdb
