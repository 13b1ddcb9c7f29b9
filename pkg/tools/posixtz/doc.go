// Package posixtz turns a TZ value into a time.Location: a zone name of the system's
// zoneinfo ("Europe/Paris", ":Europe/Paris", a file path) or, as the C library also
// reads it, a POSIX TZ string ("UTC0", "CET-1CEST-2", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
// which Go's time package only understands inside a zoneinfo file.
package posixtz
