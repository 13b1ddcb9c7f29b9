package shell

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReadOnly covers read-only and unexported variables as ash has them (readonly.go,
// BusyBox's ash-vars/readonly0): the expected output is BusyBox 1.35 ash's on the same
// script.
func TestReadOnly(t *testing.T) {
	script := `readonly x="it's" y
readonly -p
a=1; export a; export -n a; env | grep '^a='; echo "[$a]"
export a; env | grep '^a='
(x=2; echo not reached); echo $?
(x=2 true; echo not reached); echo $?
(export x=3); echo $?
(readonly x=4); echo $?
f() { local q=1; x=5; }; (f; echo nr); echo $?
readonly x
echo ok
x=6
echo not reached
`
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ro.sh"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, status := runSh(t, dir, "", []string{"PATH=" + os.Getenv("PATH")}, "ro.sh")
	wantOut := "readonly x='it'\"'\"'s'\nreadonly y\n[1]\na=1\n2\n2\n2\n2\n2\nok\n"
	wantErr := "ro.sh: line 5: x: is read only\nro.sh: line 6: x: is read only\nro.sh: export: line 7: x: is read only\n" +
		"ro.sh: readonly: line 8: x: is read only\nro.sh: line 9: x: is read only\nro.sh: line 12: x: is read only\n"
	if out != wantOut || errOut != wantErr || status != 2 {
		t.Errorf("sh ro.sh:\nstdout %q, want %q\nstderr %q, want %q\nstatus %d, want 2", out, wantOut, errOut, wantErr, status)
	}
}
