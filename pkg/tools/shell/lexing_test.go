package shell

import (
	"testing"
)

// TestAshLexingSource covers which backslash-newlines are removed before parsing and
// which here-document delimiters are replaced (lexing.go), and that lines keep their
// numbers.
func TestAshLexingSource(t *testing.T) {
	tests := []struct {
		name, src, want string
		continued       bool
	}{
		{name: "none", src: "echo a\n", want: "echo a\n"},
		{name: "between words: the parser's", src: "echo a \\\nb\n", want: "echo a \\\nb\n"},
		{name: "after $", src: "echo $\\\n(echo Ok\\\n)\n", want: "echo $(echo Ok\\\n)\n\n"},
		{name: "inside ${", src: "echo $\\\n{\\\n#\\\n3\\\n}\n", want: "echo ${#3}\n\n\n\n\n"},
		{name: "inside an operator", src: "a &\\\n& b; c |\\\n| d;\\\n;\n", want: "a && b; c || d;;\n\n\n\n"},
		{name: "an operator before a word", src: "a &\\\nb\n", want: "a &\\\nb\n"},
		{name: "in double quotes", src: "echo \"$\\\n(echo Ok)\"\n", want: "echo \"$(echo Ok)\"\n\n"},
		{name: "kept in single quotes", src: "echo '$\\\nb' $\\\nc\n", want: "echo '$\\\nb' $c\n\n"},
		{name: "kept in $'...'", src: "echo $'$\\\nb'\n", want: "echo $'$\\\nb'\n"},
		{name: "an escaped backslash", src: "echo $\\\\\necho b\n", want: "echo $\\\\\necho b\n"},
		{name: "kept in a comment", src: "# $\\\necho $\\\nc\n", want: "# $\\\necho $c\n\n"},
		{name: "# inside a word", src: "echo a#b$\\\nc\n", want: "echo a#b$c\n\n"},
		{name: "in an unquoted here-document", src: "cat <<EOF\nOk1\nEO\\\nF\necho x\n", want: "cat <<EOF\nOk1\nEOF\n\necho x\n"},
		{name: "a here-document's line joined to the delimiter", src: "cat <<EOF\na\\\nEOF\nEOF\n", want: "cat <<EOF\naEOF\nEOF\n\n"},
		{name: "other lines of a here-document: the parser's", src: "cat <<EOF\na\\\nb\nEOF\n", want: "cat <<EOF\na\\\nb\nEOF\n"},
		{name: "kept in a quoted here-document", src: "cat <<'EOF'\nEO\\\nF\nEOF\necho $\\\nx\n", want: "cat <<'EOF'\nEO\\\nF\nEOF\necho $x\n\n"},
		{name: "in a here-document's operator and word", src: "cat <\\\n<\\\n- EO\\\nF\n\tx\n\tEOF\n", want: "cat <<- EOF\n\tx\n\tEOF\n\n\n\n"},
		{name: "lines after a here-document", src: "cat <<E; echo $\\\n1\nx\nE\necho 2\n", want: "cat <<E; echo $1\nx\nE\n\necho 2\n"},
		{name: "<< in arithmetic is no here-document", src: "echo $((1 << 2)) $\\\n3\nx\n", want: "echo $((1 << 2)) $3\n\nx\n"},
		{name: "$(( )) and a quote after it", src: "echo \"$((1+2))'$\\\n'\"\n", want: "echo \"$((1+2))'$'\"\n\n"},
		{name: "a backquote in double quotes", src: "echo \"`echo '$\\\n'`\" $\\\nx\n", want: "echo \"`echo '$\\\n'`\" $x\n\n"},
		{name: "an expansion in a here-document's delimiter", src: "cat <<- $a\n\tOK\n\t$a\necho\n", want: "cat <<- DDEBUG_EOF_0\n\tOK\nDDEBUG_EOF_0\necho\n"},
		{name: "a backquote quotes a delimiter", src: "cat <<E`x`F\n$y\nE`x`F\n", want: "cat <<'DDEBUG_EOF_0'\n$y\nDDEBUG_EOF_0\n"},
		{name: "a fresh delimiter", src: "cat <<$a\nDDEBUG_EOF_0\n", want: "cat <<DDEBUG_EOF_1\nDDEBUG_EOF_0\nDDEBUG_EOF_1\n"},
		{name: "a backslash in a double-quoted delimiter", src: "cat <<\"\\\\E\"\nx\n\\E\n", want: "cat <<'DDEBUG_EOF_0'\nx\nDDEBUG_EOF_0\n"},
		{name: "bytes that are not UTF-8", src: "echo a\x81 \"b\x82\" 'c\x83' $'d\x84' $'\\\x85'\n",
			want: `echo a$'\x81' "b"$'\x82'"" 'c'$'\x83''' $'d\x84' $'\\\x85'` + "\n"},
		{name: "at the end of the input", src: "echo a \\\n", want: "echo a ", continued: true},
		{name: "at the end of a here-document's body", src: "cat <<E\na\\\n", want: "cat <<E\na", continued: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, continued := ashLexing(tt.src)
			if got != tt.want || continued != tt.continued {
				t.Errorf("ashLexing(%q) = %q, %v; want %q, %v", tt.src, got, continued, tt.want, tt.continued)
			}
		})
	}
}

// TestAshLexing runs scripts that need backslash-newlines removed as ash removes them
// (BusyBox's ash-parsing/bkslash_newline1 and 4, ash-vars/var_unbackslash1,
// ash-heredoc/heredoc_bkslash_newline1 and 2), here-documents' delimiters that hold
// expansions or a backslash in double quotes (ash-heredoc/heredoc_empty,
// heredoc_backquote1, ash-redir/redir_expand) and bytes that are not UTF-8
// (ash-quoting/dollar_squote_bash2).
func TestAshLexing(t *testing.T) {
	tests := []struct {
		name, script, want string
	}{
		{name: "inside operators", script: "echo and1 &\\\n& echo and2\necho or1 |\\\n| echo NOT SHOWN\ncase w in a) echo SKIP;\\\n; w) echo ok;; esac;\n",
			want: "and1\nand2\nor1\nok\n"},
		{name: "after $", script: "set -- 1 22 333\necho 1:$\\\n1\necho 22:$\\\n{\\\n2\\\n}\necho 3:$\\\n{\\\n#\\\n3\\\n}\necho Ok:$\\\n?\n",
			want: "1:1\n22:22\n3:3\nOk:0\n"},
		{name: "command substitution", script: "echo $\\\n(echo Ok\\\n)\necho \"$\\\n(echo Ok\\\n)\"\necho Forty two:$\\\n(\\\n(\\\n42\\\n)\\\n)\n",
			want: "Ok\nOk\nForty two:42\n"},
		{name: "here-document operator and delimiter", script: "cat <\\\n<\\\nEOF\nh0\nEOF\ncat <<\\\n- EOF\nh1\n\tEOF\ncat <<EOF\nOk\nEO\\\nF\necho $LINENO\n",
			want: "h0\nh1\nOk\n13\n"},
		{name: "expansions in a here-document's delimiter", script: "unset a\ncat <<- $a\n\tOK\n$a\ncat <<EO`true`F\n$a`false`\nEO`false`F\nEO`true`F\necho Ok:$?\n",
			want: "OK\n$a`false`\nEO`false`F\nOk:0\n"},
		{name: "a backslash in a double-quoted delimiter", script: "cat <<\"\\\\E\"\nHere\n\\E\necho Ok\n", want: "Here\nOk\n"},
		{name: "bytes that are not UTF-8", script: "v=uni\x81code; echo \"a\x81b\" 'c\x81d' e\x81f $v 80:$'\\\x80'", want: "a\x81b c\x81d e\x81f uni\x81code 80:\\\x80\n"},
		{name: "eval's string", script: "eval \"echo \\$\\\\\n(echo ok) a&\\\\\n& echo b\"; v=$(printf 'x\\201y'); eval \"echo $v\"; eval \"cat <<- \\$a\n\tin\n\\$a\"",
			want: "ok a\nb\nx\x81y\nin\n"},
		{name: "a line continued in the next read (sh -s)", script: "", want: "a b\nc\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut string
			var status int
			if tt.script == "" {
				out, errOut, status = runSh(t, t.TempDir(), "echo a \\\nb\necho c\n", nil, "-s")
			} else {
				out, errOut, status = runSh(t, t.TempDir(), "", nil, "-c", tt.script)
			}
			if out != tt.want || errOut != "" || status != 0 {
				t.Errorf("sh: stdout %q, want %q; stderr %q; status %d", out, tt.want, errOut, status)
			}
		})
	}
}
