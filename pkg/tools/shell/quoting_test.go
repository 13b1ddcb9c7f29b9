package shell

import "testing"

// TestAshQuoting: words the interpreter expands with expand.Literal quote as in ash.
func TestAshQuoting(t *testing.T) {
	tests := []struct {
		name, script, want string
	}{
		{"escaped character in an assignment", `x=\z; y=a\ b; echo "$x|$y"`, "z|a b\n"},
		{"escaped character in case's word", `case \z in z) echo ok;; *) echo bug;; esac; case \\z in \\z) echo ok;; esac`, "ok\nok\n"},
		{"case patterns keep their escapes", `case '!' in [\!]) echo ok;; *) echo bug;; esac`, "ok\n"},
		{"escaped quote in a pattern", `x=\'B; echo "${x#\'}" ${x#\'}`, "B B\n"},
		{"quoted pattern matches itself", `x='\\\\'; printf '<%s>' "${x#'\\\\'}" "${x#"\\\\\\\\"}" ${x%'*'}; echo`, "<><><\\\\\\\\>\n"},
		{"backslash in a bracket is a character", `x='a]'; echo "<${x#[a\]]}>"`, "<>\n"},
		{"single quotes in a quoted alternate value", `x=a; echo "${x:+'b c' d}" "${x+"b c" d}"`, "'b c' d b c d\n"},
		{"backslash in a quoted replacement", `IP=1.2; echo "${IP//./\\.}" "${IP//./\\\\.}"; v=/a/b; echo "${v//\//\\/}"`, "1\\.2 1\\\\.2\n\\/a\\/b\n"},
		{"single quotes in a quoted replacement are quotes", `v=x; echo "${v/x/'y z'}"`, "y z\n"},
		{"a here-document's ${x#P} as in double quotes", "x='*'\ncat <<EOF\n<${x#'*'}>\nEOF", "<>\n"},
		{"<<- keeps the newline of an empty first line", "x=\ncat <<- EOF\n\t$x\n\tb\nEOF", "\nb\n"},
		{"a here-document ends at the end of the script", "cat <<EOF\na\nb", "a\nb\n"},
		{"text around a quoted $@ joins its first and last element", `f() { for i; do printf '<%s>' "$i"; done; echo; }; set -- a "b c"; f "-$@-"; set --; f "-$@-"`, "<-a><b c->\n<-->\n"},
		{"$'...' as ash decodes it", `echo $'a\80b' $'c\608b' $'c\x330b' $'x\x9y' $'a\'b'`, "a\\80b c08b c30b x\ty a'b\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, status := runSh(t, t.TempDir(), "", hostEnv(), "-c", tc.script)
			if out != tc.want || status != 0 {
				t.Errorf("%s\ngot  %q (status %d, stderr %q)\nwant %q", tc.script, out, status, errs, tc.want)
			}
		})
	}
}

// TestHeredocEndsWithStream: the end of a script read from a pipe ends its here-document.
func TestHeredocEndsWithStream(t *testing.T) {
	out, errs, status := runSh(t, t.TempDir(), "cat <<EOF\na\nb\n", hostEnv(), "-s")
	if out != "a\nb\n" || status != 0 {
		t.Errorf("got %q (status %d, stderr %q), want %q", out, status, errs, "a\nb\n")
	}
}
