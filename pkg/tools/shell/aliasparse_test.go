package shell

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAliasesWhileParsing covers aliases that open or close a compound command, which
// ash expands while it parses a script (aliasparse.go, BusyBox's ash-alias/alias_brace
// and alias_case): the expected output is BusyBox 1.35 ash's on the same script.
func TestAliasesWhileParsing(t *testing.T) {
	tests := []struct{ name, script, want string }{
		{name: "compound commands", script: "alias BEGIN={ END=} a=\"case x in \" b=x\nBEGIN\n\techo line $LINENO\nEND\n" +
			"a\nb) echo BAD;;\n*) echo Ok;;\nesac\nf() { BEGIN echo in f; END; }; f\necho 'BEGIN' \"END\" b\n",
			want: "line 3\nOk\nin f\nBEGIN END b\n"},
		{name: "repairs and a here-document closed by the end", script: "alias ll='echo ll'\nll $((0++1))\ncat <<EOF\nunclosed $((2+3))\n",
			want: "ll 1\nunclosed 5\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "al.sh"), []byte(tt.script), 0o644); err != nil {
				t.Fatal(err)
			}
			out, errOut, status := runSh(t, dir, "", nil, "al.sh")
			if out != tt.want || errOut != "" || status != 0 {
				t.Errorf("sh al.sh: stdout %q, want %q; stderr %q; status %d", out, tt.want, errOut, status)
			}
		})
	}
}

func TestExpandCommandAliases(t *testing.T) {
	aliases := map[string]string{"B": "{", "E": "}", "c": "case x in "}
	tests := []struct{ text, want string }{
		{"B\n\techo B\nE\n", "{\n\techo B\n}\n"},
		{"f() { B echo; E; }; B 'B' \"E\" E", "f() { { echo; }; }; { 'B' \"E\" E"},
		{"c\nc) x;;\nc|d) y;;\nesac", "case x in \nc) x;;\nc|d) y;;\nesac"},
		{"if B; then E; fi # B\n", "if {; then }; fi # B\n"},
	}
	for _, tt := range tests {
		if got := expandCommandAliases(tt.text, aliases); got != tt.want {
			t.Errorf("expandCommandAliases(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
