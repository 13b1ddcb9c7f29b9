package tools

import "testing"

func TestLocale(t *testing.T) {
	for _, c := range []struct {
		environ    []string
		locale     string
		hard, utf8 bool
	}{
		{nil, "C", false, false},
		{[]string{"LANG=POSIX"}, "POSIX", false, false},
		{[]string{"LANG=C.UTF-8"}, "C.UTF-8", true, true},
		{[]string{"LANG=en_US.utf8"}, "en_US.utf8", true, true},
		{[]string{"LANG=de_DE.UTF-8@euro"}, "de_DE.UTF-8@euro", true, true},
		{[]string{"LANG=en_US.ISO-8859-1"}, "en_US.ISO-8859-1", true, false},
		{[]string{"LANG=C.UTF-8", "LC_CTYPE=C"}, "C", false, false},
		{[]string{"LANG=C", "LC_CTYPE=C.UTF-8", "LC_ALL="}, "C.UTF-8", true, true},
		{[]string{"LC_CTYPE=C.UTF-8", "LC_ALL=POSIX"}, "POSIX", false, false},
	} {
		e := &Env{Environ: c.environ}
		if l, h, u := e.Locale("LC_CTYPE"), e.HardLocale("LC_CTYPE"), e.UTF8(); l != c.locale || h != c.hard || u != c.utf8 {
			t.Errorf("%q: Locale %q HardLocale %v UTF8 %v, want %q %v %v", c.environ, l, h, u, c.locale, c.hard, c.utf8)
		}
	}
}
