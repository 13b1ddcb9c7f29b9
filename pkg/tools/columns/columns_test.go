package columns

import (
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name string
		t    Table
		want string
	}{
		{"aligned", Table{Right: []bool{false, true}, Rows: [][]string{{"NAME", "SIZE", "UNITS"}, {"a", "1", ""}, {"long", "12345", "x"}}},
			"NAME  SIZE UNITS\na        1 \nlong 12345 x\n"},
		{"hidden header sizes columns", Table{HideHeader: true, Rows: [][]string{{"RESOURCE", "X"}, {"AS", "1"}}},
			"AS       1\n"},
		{"unicode width", Table{Rows: [][]string{{"├─/a", "b"}, {"/abc", "c"}}}, "├─/a b\n/abc c\n"},
	}
	for _, tt := range tests {
		var b strings.Builder
		if err := tt.t.Write(&b); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, b.String(), tt.want)
		}
	}
}
