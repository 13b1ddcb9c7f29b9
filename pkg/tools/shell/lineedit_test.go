package shell

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// editKeys feeds keys to an editor with history hist and returns the line read.
func editKeys(t *testing.T, hist []string, keys string, complete completer) (string, string, error) {
	t.Helper()
	h := &history{}
	for _, l := range hist {
		h.add(l)
	}
	in := strings.NewReader(keys)
	var out strings.Builder
	e := &editor{
		next: func() (byte, error) {
			return in.ReadByte()
		},
		out: &out, hist: h, complete: complete,
	}
	line, err := e.readLine("$ ")
	return line, out.String(), err
}

func TestEditorKeys(t *testing.T) {
	hist := []string{"ls /proc", "cat /etc/hostname", "echo one"}
	tests := []struct {
		name, keys, want string
	}{
		{"plain", "echo hi\r", "echo hi"},
		{"newline also ends", "echo hi\n", "echo hi"},
		{"backspace", "echo hix\x7f\r", "echo hi"},
		{"Ctrl-A and Ctrl-E", "abc\x01X\x05Y\r", "XabcY"},
		{"Home and End keys", "abc\x1b[HX\x1b[FY\r", "XabcY"},
		{"Home and End, vt220 style", "abc\x1b[1~X\x1b[4~Y\r", "XabcY"},
		{"arrows move", "ac\x1b[Db\x1b[C\x1b[Cd\r", "abcd"},
		{"Ctrl-B and Ctrl-F", "ac\x02b\x06d\r", "abcd"},
		{"Delete key", "abc\x01\x1b[3~\r", "bc"},
		{"Ctrl-D deletes under the cursor", "abc\x01\x04\r", "bc"},
		{"Ctrl-U kills to the start", "echo abc\x1b[D\x15X\r", "Xc"},
		{"Ctrl-K kills to the end", "echo abc\x01\x1b[C\x0b\r", "e"},
		{"Ctrl-W kills a word", "echo hello world\x17\r", "echo hello "},
		{"Ctrl-W then Ctrl-Y yanks it back", "echo hello\x17\x19\x19\r", "echo hellohello"},
		{"Alt-b and Alt-f move by words", "one two\x1bbX\x1bfY\r", "one XtwoY"},
		{"Ctrl-T swaps", "ab\x14\r", "ba"},
		{"Up recalls the last line", "\x1b[A\r", "echo one"},
		{"Up twice", "\x1b[A\x1b[A\r", "cat /etc/hostname"},
		{"Up past the oldest stays", "\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\r", "ls /proc"},
		{"Up then Down gives back the typed line", "draft\x1b[A\x1b[B\r", "draft"},
		{"Ctrl-P and Ctrl-N", "\x10\x10\x0e\r", "echo one"},
		{"history line can be edited", "\x1b[A\x17two\r", "echo two"},
		{"Ctrl-R finds the newest match", "\x12o\r", "echo one"},
		{"Ctrl-R again finds an older one", "\x12o\x12\r", "cat /etc/hostname"},
		{"Ctrl-R, then a key edits the match", "\x12proc\x05/1\r", "ls /proc/1"},
		{"Ctrl-R with backspace", "\x12procx\x7f\r", "ls /proc"},
		{"Ctrl-G leaves search", "keep\x12cat\x07\r", "keep"},
		{"UTF-8", "echo h\xc3\xa9\x7f\xc3\xa8\r", "echo hè"},
		{"unknown escape ignored", "a\x1b[15~b\r", "ab"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := editKeys(t, hist, tc.keys, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("line (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEditorEnds(t *testing.T) {
	if _, out, err := editKeys(t, nil, "some text\x03", nil); !errors.Is(err, errInterrupted) || !strings.Contains(out, "^C") {
		t.Errorf("Ctrl-C: err %v, output %q; want errInterrupted and ^C shown", err, out)
	}
	if _, _, err := editKeys(t, nil, "\x04", nil); !errors.Is(err, io.EOF) {
		t.Errorf("Ctrl-D on an empty line: err %v, want io.EOF", err)
	}
	if line, _, err := editKeys(t, nil, "partial", nil); err != nil || line != "partial" {
		t.Errorf("end of input after text: %q, %v; want the text", line, err)
	}
	if _, out, _ := editKeys(t, nil, "x\x0c\r", nil); !strings.Contains(out, "\x1b[2J") {
		t.Errorf("Ctrl-L does not clear the screen: %q", out)
	}
}

func TestEditorCompletion(t *testing.T) {
	words := []string{"pstree", "ps", "pwd", "/proc/", "/etc/"}
	complete := func(line string, pos int) (int, []string) {
		start := strings.LastIndexByte(line[:pos], ' ') + 1
		var out []string
		for _, w := range words {
			if strings.HasPrefix(w, line[start:pos]) {
				out = append(out, w)
			}
		}
		return start, out
	}
	tests := []struct{ name, keys, want string }{
		{"unique word gets a space", "pw\t\r", "pwd "},
		{"common prefix", "pst\t\r", "pstree "},
		{"ambiguous: no change", "p\t\r", "p"},
		{"directory gets no space", "ls /pr\tself\r", "ls /proc/self"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := editKeys(t, nil, tc.keys, complete)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	_, out, _ := editKeys(t, nil, "p\t\t\r", complete)
	for _, w := range []string{"pstree", "ps", "pwd"} {
		if !strings.Contains(out, w) {
			t.Errorf("second Tab does not list %q: %q", w, out)
		}
	}
}

func TestHistoryKeepsMemoryOnly(t *testing.T) {
	h := &history{}
	for _, l := range []string{"a", "a", " ", "b", ""} {
		h.add(l)
	}
	if diff := cmp.Diff([]string{"a", "b"}, h.all()); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	for i := 0; i < historyMax+10; i++ {
		h.add(strings.Repeat("x", i%7+1) + string(rune('a'+i%26)))
	}
	if h.len() != historyMax {
		t.Errorf("history holds %d lines, want at most %d", h.len(), historyMax)
	}
}

func TestCompleterFindsAppletsAndPaths(t *testing.T) {
	dir := t.TempDir()
	s, err := New(newTestEnv(dir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start, got := s.completer("se", 2)
	if start != 0 || !contains(got, "seq") {
		t.Errorf("first word 'se': %d %v, want seq among the choices", start, got)
	}
	start, got = s.completer("cat /pro", 8)
	if start != 4 || !contains(got, "/proc/") {
		t.Errorf("path '/pro': %d %v, want /proc/", start, got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
