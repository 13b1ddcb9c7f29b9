//go:build linux

package files

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// esc leaves insert mode: sent alone, and waited for, so that it is not read as the start
// of an escape sequence with the keys after it.
func (a *fullScreenApp) esc() {
	a.t.Helper()
	a.ptm.Write([]byte{0x1b})
	deadline := time.Now().Add(10 * time.Second)
	for strings.Contains(a.frame(), "-- INSERT --") {
		if time.Now().After(deadline) {
			a.t.Fatalf("Escape did not leave insert mode:\n%q", a.frame())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func viFile(t *testing.T, a *fullScreenApp, name string) string {
	t.Helper()
	if st := a.status(); st != 0 {
		t.Errorf("vi exited %d", st)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestViNewFile opens a file that does not exist, types two lines and writes it with :wq.
func TestViNewFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "new.txt")
	a := startFullScreen(t, "vi", name)
	a.send("", `[New File]`)
	a.send("ihello", "-- INSERT --")
	a.esc()
	a.send("oworld", "world")
	a.esc()
	a.send("Otwo words", "two words")
	a.esc()
	a.ptm.Write([]byte(":wq\r"))
	if got := viFile(t, a, name); got != "hello\ntwo words\nworld\n" {
		t.Errorf("written %q", got)
	}
}

// TestViEdit runs the normal-mode commands on a file and compares what :wq writes.
func TestViEdit(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(name, []byte("one two three\nalpha beta\ngamma\ndelta\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := startFullScreen(t, "vi", name)
	a.send("", `"`+name+`" 4L, 37B`)
	a.send("dd", "alpha beta\r\ngamma")        // [alpha beta, gamma, delta]
	a.send("p", "alpha beta\r\none two three") // [alpha beta, one two three, gamma, delta]
	a.send("w", "one two three")               // cursor on "two"
	a.send("x", "one wo three")
	a.send("u", "one two three")
	a.send("2x", "one o three")
	a.send("$x", "one o thre\r")
	a.send("0iX", "Xone o thre")
	a.esc()
	a.send("G", "delta")
	a.send("yyP", "delta\r\ndelta")
	a.send("AZ", "deltaZ")
	a.esc()
	a.send("gg", "alpha")
	a.send("/gam\r", "gamma")
	a.send("x", "amma")
	a.send("3G", "amma")
	a.send("IB", "Bamma")
	a.esc()
	a.send(":2\r", "Xone")
	a.send("3x", "e o thre")
	a.send("Zw", "e o thre") // an unknown two-key command changes nothing
	a.ptm.Write([]byte("ZZ"))
	want := "alpha beta\ne o thre\nBamma\ndeltaZ\ndelta\n"
	if got := viFile(t, a, name); got != want {
		t.Errorf("after the edits the file is %q, want %q", got, want)
	}
}

// TestViQuit: :q refuses to drop changes, :q! drops them and leaves the file as it was.
func TestViQuit(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f")
	os.WriteFile(name, []byte("keep\n"), 0o600)
	a := startFullScreen(t, "vi", name)
	a.send("", "keep")
	a.send("dd", "~")
	a.send(":q\r", "No write since last change")
	a.ptm.Write([]byte(":q!\r"))
	if got := viFile(t, a, name); got != "keep\n" {
		t.Errorf("after :q! the file is %q", got)
	}
}

// TestViWordMotion checks w, b and e as vi moves them, across punctuation and lines.
func TestViWordMotion(t *testing.T) {
	e := &viEditor{lines: [][]rune{[]rune("foo.bar  baz"), {}, []rune("  qux")}}
	tests := []struct {
		k          rune
		r, c       int
		wantR, wnt int
	}{
		{'w', 0, 0, 0, 3}, {'w', 0, 3, 0, 4}, {'w', 0, 4, 0, 9}, {'w', 0, 9, 1, 0}, {'w', 1, 0, 2, 2},
		{'e', 0, 0, 0, 2}, {'e', 0, 2, 0, 3}, {'e', 0, 4, 0, 6}, {'e', 0, 9, 0, 11}, {'e', 0, 11, 2, 4},
		{'b', 0, 6, 0, 4}, {'b', 0, 4, 0, 3}, {'b', 0, 9, 0, 4}, {'b', 2, 2, 1, 0}, {'b', 1, 0, 0, 9},
	}
	for _, tt := range tests {
		if r, c := e.wordMotion(tt.k, tt.r, tt.c); r != tt.wantR || c != tt.wnt {
			t.Errorf("%c from %d,%d = %d,%d, want %d,%d", tt.k, tt.r, tt.c, r, c, tt.wantR, tt.wnt)
		}
	}
}
