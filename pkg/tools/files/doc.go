// Package files holds the applets that look at and change files: ls, cat, find, stat, cp,
// and the rest of the file family.
package files
