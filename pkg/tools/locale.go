package tools

import "strings"

// Locale returns the name of the locale that governs category ("LC_TIME", "LC_CTYPE", ...)
// in e, chosen as the C library chooses it: LC_ALL, then the category's own variable, then
// LANG, each only when set and not empty; "C" when none is. The toolbox carries no locale
// data: an applet asks only the few questions GNU tools ask of a locale (is it the C locale,
// is its character set UTF-8) so that its output matches theirs under the same environment.
func (e *Env) Locale(category string) string {
	for _, k := range []string{"LC_ALL", category, "LANG"} {
		if v := e.Getenv(k); v != "" {
			return v
		}
	}
	return "C"
}

// HardLocale reports whether category's locale is other than C and POSIX, gnulib's
// hard_locale: GNU tools switch their formats on it (who's ISO dates, for one).
func (e *Env) HardLocale(category string) bool {
	l := e.Locale(category)
	return l != "C" && l != "POSIX"
}

// UTF8 reports whether the character set of e's LC_CTYPE locale is UTF-8 (its codeset part,
// as in C.UTF-8 or en_US.utf8): util-linux draws trees with line-drawing characters only
// then, and with ASCII otherwise.
func (e *Env) UTF8() bool {
	l := e.Locale("LC_CTYPE")
	_, cs, ok := strings.Cut(l, ".")
	if !ok {
		return false
	}
	cs, _, _ = strings.Cut(cs, "@")
	cs = strings.ToLower(strings.ReplaceAll(cs, "-", ""))
	return cs == "utf8"
}
