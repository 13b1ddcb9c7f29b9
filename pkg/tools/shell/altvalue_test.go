package shell

import (
	"testing"
)

// TestAltValues covers unquoted ${x:+WORD} and ${x:-WORD} whose WORD holds quotes
// (altvalue.go, BusyBox's ash-quoting/dollar_altvalue1, 2, 9 and ash-glob/glob_altvalue1):
// the expected output is BusyBox 1.35 ash's on the same script.
func TestAltValues(t *testing.T) {
	script := `f() { printf '<%s>' "$@"; echo; }
unset u; e=; s='p q'
f ${u:-"a b"} c
f ${s:-"a b"} c
f x${e:-'1 2' 3}y
f ${e-'1 2'}
f ${u+'1 2'} end
f ${s:+'*' \* *.none}
set -u
f ${u:+"in"} ${s:+"$s" r}
f ${1:-"no args"}
echo status $? ${u:-'ok'}
`
	out, errOut, status := runSh(t, t.TempDir(), "", nil, "-c", script)
	want := "<a b><c>\n<p><q><c>\n<x1 2><3y>\n<>\n<end>\n<*><*><*.none>\n<p q><r>\n<no args>\nstatus 0 ok\n"
	if out != want || errOut != "" || status != 0 {
		t.Errorf("sh -c:\nstdout %q, want %q\nstderr %q; status %d", out, want, errOut, status)
	}
}
