package awk

import (
	"testing"
)

// TestAwkGolden runs programs through our awk and the system awk (mawk on Debian, package
// mawk) and compares the output.
func TestAwkGolden(t *testing.T) {
	dir := textTree(t)
	writeFiles(t, dir, map[string]string{
		"data": "alice 30 paris\nbob 25 rome\ncarol 35 oslo\ndave 25 rome\n",
		"csv":  "a,b,c\n1,2,3\n4,,6\n",
	})
	progs := [][]string{
		{"awk", "{print $1}", "data"},
		{"awk", "{print $NF, NF}", "data"},
		{"awk", "$2 > 26", "data"},
		{"awk", "$2 == 25 {n++} END {print n}", "data"},
		{"awk", "{s += $2} END {print s, s/NR}", "data"},
		{"awk", "-F,", "{print $2 \"-\" $3}", "csv"},
		{"awk", "-F", ",", "NR > 1 {print $1 + $3}", "csv"},
		{"awk", "-v", "x=5", "BEGIN {print x * 2}"},
		{"awk", "/rome/ {print NR\": \"$0}", "data"},
		{"awk", "!/rome/", "data"},
		{"awk", "/bob/,/carol/ {print $1}", "data"},
		{"awk", "{count[$3]++} END {for (c in count) print c, count[c]}", "data"},
		{"awk", "BEGIN {printf \"%5.2f|%-5s|%d|%x|%c|%s\\n\", 3.14159, \"ab\", 42.9, 255, 65, \"str\"}"},
		{"awk", "{print length($1), substr($1, 2, 3), index($1, \"o\"), toupper($1)}", "data"},
		{"awk", "{n = split($0, a, \" \"); print n, a[3]}", "data"},
		{"awk", "{sub(/o/, \"0\"); gsub(/a/, \"[&]\"); print}", "data"},
		{"awk", "BEGIN {s = \"hello world\"; if (match(s, /wor/)) print RSTART, RLENGTH}"},
		{"awk", "BEGIN {for (i = 1; i <= 5; i++) {if (i == 4) break; if (i == 2) continue; print i}}"},
		{"awk", "BEGIN {i = 0; while (i < 3) print i++; do print \"d\" i--; while (i > 1)}"},
		{"awk", "function f(a, b) {return a * b + 1} BEGIN {print f(3, 4)}"},
		{"awk", "function fill(arr, n,   i) {for (i = 1; i <= n; i++) arr[i] = i * i} BEGIN {fill(sq, 4); print sq[3], length(sq)}"},
		{"awk", "BEGIN {x = \"10\"; y = 9; print (x > y), (\"10\" > \"9\"), 1e3, 0.1 + 0.2, 1000 * 1000}"},
		{"awk", "{$2 = $2 * 2; print; print NF}", "data"},
		{"awk", "BEGIN {OFS = \"-\"} {$1 = $1; print}", "data"},
		{"awk", "NR == 2 {next} {print $1} NR == 3 {exit 3}", "data"},
		{"awk", "{print $1 > \"/dev/stdout\"}", "data"},
		{"awk", "BEGIN {print 1 == 1.0, \"a\" < \"b\", 2 ^ 10, -3 % 2, int(-3.7)}"},
		{"awk", "{a[$3] = a[$3] \" \" $1} END {print a[\"rome\"]; if (\"oslo\" in a) print \"yes\"; delete a[\"oslo\"]; print (\"oslo\" in a)}", "data"},
		{"awk", "BEGIN {printf \"%s %s %s\\n\", \"a\", \"b\", \"c\"; print 1,2 ; print \"x\" \"y\"}"},
		{"awk", "{print $(NF-1)}", "data"},
		{"awk", "END {print NR, $0}", "data"},
		{"awk", "BEGIN {while ((getline line < \"csv\") > 0) n++; print n, line}"},
		{"awk", "NR==1 {getline; print \"after getline:\", $0}", "data"},
		{"awk", "{print}", "x=1", "data"},
		{"awk", "{ $5 = \"new\"; print; print NF }", "csv"},
		{"awk", "BEGIN { NF = 3; $0 = \"a b c d\"; NF = 2; print $0 }"},
		{"awk", "BEGIN { printf \"%d %i %o %e %g\\n\", -7, 3.9, 8, 12345.678, 0.0001 }"},
	}
	for _, p := range progs {
		golden(t, dir, "", "mawk", nil, p...)
	}
	if _, _, st := run(t, dir, "", "awk", "{print $1"); st != 2 {
		t.Errorf("syntax error: status %d, want 2", st)
	}
}

// TestAwkGawkForms covers what awk takes from gawk beyond mawk (the outputs are gawk
// 5.2's): func, -e and -f -, the bitwise functions, octal constants, "cmd" | getline,
// print | "cmd", system(), FS changes applying from the next record, and separators that
// can match the empty string.
func TestAwkGawkForms(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"input": "do re mi\n"})
	cases := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"a:b c:d\ne:f g:h\n", []string{`{FS=":"; print $1}`}, "a:b\ne\n"},
		{"foo--bar\n", []string{"-F", "-*", `{print $1 "-" $2 "=" $3 "*" $4}`}, "foo-bar=*\n"},
		{"", []string{`BEGIN{print or(0xffffffff,1), and(12,10), xor(5,1), lshift(1,4), rshift(16,2), compl(0), 011}`},
			"4294967295 8 4 16 4 9007199254740991 9\n"},
		{`{print $2; print ARGC}`, []string{"-f", "-", "input"}, "re\n2\n"},
		{"", []string{"-e", `{print $2; print ARGC}`, "input"}, "re\n2\n"},
		{"", []string{`func f(){print "F"}; func g(){print "G"}; BEGIN{f(g(), g())}`}, "G\nG\nF\n"},
		{"", []string{`BEGIN { "echo HELLO" | getline; print; "echo a b" | getline x; print x }`}, "HELLO\na b\n"},
		{"", []string{`BEGIN { print "b" | "sort"; print "a" | "sort"; close("sort"); print "c"; print system("exit 3") }`}, "a\nb\nc\n3\n"},
	}
	for _, c := range cases {
		o, e, st := run(t, dir, c.stdin, append([]string{"awk"}, c.args...)...)
		if o != c.want || st != 0 {
			t.Errorf("awk %q <%q: %q (status %d, %s), want %q", c.args, c.stdin, o, st, e, c.want)
		}
	}
}

// TestAwkErrors: errors of the program are located ("cmd. line:N:", or the -f file) and
// worded as BusyBox words them; break outside a loop exits 1, as in gawk and BusyBox.
func TestAwkErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		stdin string
		args  []string
		out   string
		err   string
		st    int
	}{
		{"", []string{"func f(a,) { }"}, "", "awk: cmd. line:1: Unexpected token\n", 2},
		{"", []string{"func f(a b) { }"}, "", "awk: cmd. line:1: Unexpected token\n", 2},
		{"", []string{"BEGIN {print()}"}, "", "awk: cmd. line:1: Empty sequence\n", 2},
		{"", []string{"{delete}"}, "", "awk: cmd. line:1: Too few arguments\n", 2},
		{"BEGIN { if (1) break; else a = 1 }", []string{"-f", "-"}, "", "awk: -:1: 'break' not in a loop\n", 1},
		{"x\n", []string{"{ $(-1) }"}, "", "awk: cmd. line:1: Access to negative field\n", 2},
		{"", []string{"END {\n print 1\n nosuch()\n}"}, "1\n", "awk: cmd. line:3: Call to undefined function\n", 2},
	}
	for _, c := range cases {
		o, e, st := run(t, dir, c.stdin, append([]string{"awk"}, c.args...)...)
		if o != c.out || e != c.err || st != c.st {
			t.Errorf("awk %q: %q, %q, status %d; want %q, %q, %d", c.args, o, e, st, c.out, c.err, c.st)
		}
	}
}
