package shell

import (
	"testing"
)

// TestParamExpansions covers the parameter expansions where ash and mvdan.cc/sh's
// interpreter differ (params.go); each case fails without its rewrite.
func TestParamExpansions(t *testing.T) {
	tests := []struct {
		name    string
		script  string
		want    string
		wantErr string
		status  int
	}{
		{name: "bad substitution", script: `echo ${+}; echo moo`, wantErr: "SHELL: line 0: syntax error: bad substitution\n", status: 2},
		{name: "${#+} is a bad substitution", script: `echo ${#+}`, wantErr: "SHELL: line 0: syntax error: bad substitution\n", status: 2},
		{name: "${#=} is a bad substitution", script: `echo ${#=}`, wantErr: "SHELL: line 0: syntax error: bad substitution\n", status: 2},
		{name: "${#+z} is $# set", script: `echo _${#+z}_ _${#:+z}_`, want: "_z_ _z_\n"},
		{name: "${v:} is a missing }", script: `echo ${v:}`, wantErr: "SHELL: line 0: syntax error: missing '}'\n", status: 2},
		{name: "${v?} unset", script: `unset f; echo _${f?}`, wantErr: "SHELL: line 0: f: parameter not set\n", status: 1},
		{name: "${v:?} null", script: `f=; echo _${f:?}`, wantErr: "SHELL: line 0: f: parameter not set or null\n", status: 1},
		{name: "${1?word}", script: `set --; echo _${1?$HOME}`, wantErr: "SHELL: line 0: 1: /home\n", status: 1},
		{name: "${v?} on a later line of a script", script: "true\nf=\n( echo _${f:?}) ; echo $?", want: "1\n", wantErr: "SHELL: line 2: f: parameter not set or null\n"},
		{name: "${v:?} set", script: `f=fff; echo _${f?} _${f:?word}`, want: "_fff _fff\n"},
		{name: "${1=word} unset", script: `set --; echo _${1=word}`, wantErr: "SHELL: line 0: 1: bad variable name\n", status: 1},
		{name: "${1:=word} null", script: `set ''; echo _${1:=word}`, wantErr: "SHELL: line 0: 1: bad variable name\n", status: 1},
		{name: "${1:=word} set", script: `set aa; echo _${1=} _${1:=word}`, want: "_aa _aa\n"},
		{name: "${v:=word} still assigns", script: `unset f; echo _${f:=word} $f`, want: "_word word\n"},
		{name: "${##x} is $# less a prefix", script: `set -- a; echo N:${##1} ${##x} ${#%1}:`, want: "N: 1 :\n"},
		{name: "${v:1:} has an empty length", script: `f=0123; echo "|${f:1:}|${f::}|${f::2}|${f:1}|"`, want: "|||01|123|\n"},
		{name: "an assignment's backslashes", script: `a=q; b=-$a-\t-\\-\"-\*-; echo "$b"`, want: "-q-t-\\-\"-*-\n"},
		{name: "${v:-word}'s backslashes", script: `unset v; echo "${v:-\z}" "${v:-\\}" ${v:-\z} ${v:-\\} "${v:-a\"b}"`, want: "\\z \\ z \\ a\"b\n"},
		{name: "${v/pat/repl}'s backslashes", script: `v=abc; echo "${v/b/\z\\}" ${v//b/\041#}`, want: "az\\c a041#c\n"},
		{name: "no tilde expansion in ${v:-~} in quotes", script: `unset v; echo "${v:-~}" ${v:-~}`, want: "~ /home\n"},
		{name: "tilde prefixes after an assignment's colons", script: `a=~:~/x:~root:~nosuchuser:a~; echo "$a"; HOME=/h; b=x:~; echo $b`, want: "/home:/home/x:/root:~nosuchuser:a~\nx:/h\n"},
		{name: "a pattern starting with a slash", script: `v=/dev/ram; echo ${v////-} ${v///r/-} ${v///r} ${v//}`, want: "-dev-ram /dev-am /devam /dev/ram\n"},
		{name: "${v/*/w} of an unset v is empty", script: `unset v; echo "[${v/*/w}]"; v=; echo "[${v/*/w}]"`, want: "[]\n[w]\n"},
		{name: "v=$@ joins as $*", script: `set a b c; IFS=; x=$@; y="$@"; IFS=-; z=$@; echo "$x $y $z"`, want: "abc abc a-b-c\n"},
		{name: "VAR=`cmd` exec >bad fails before cmd runs", script: "v=`echo First >&2` exec >/cant/be/created; echo One:$?",
			wantErr: "SHELL: line 0: can't create /cant/be/created: nonexistent directory\n", status: 1},
		{name: "VAR=x exec keeps VAR", script: `VAR=v exec 2>&1; echo $VAR; VAR=w true; echo $VAR`, want: "v\nv\n"},
		{name: "unset of a bad name ends the shell", script: "(unset -); echo $?; (unset -m a); echo $?; unset; echo $?",
			want: "2\n2\n0\n", wantErr: "SHELL: unset: line 0: -: bad variable name\nSHELL: unset: line 0: illegal option -m\n"},
		{name: "unset of a read-only variable", script: "f=f; R=1; readonly R; (unset R); echo $? $f; unset -v f; echo \"[$f]\"; unset R; echo not reached",
			want: "2 f\n[]\n", wantErr: "SHELL: unset: line 0: R: is read only\nSHELL: unset: line 0: R: is read only\n", status: 2},
		{name: "++ after no name is two signs", script: `echo $((0++1)) $((0--1)); a=3; echo $((a+++3)) $(((a)+++3)) $((a))`, want: "1 1\n6 7 4\n"},
		{name: "LINENO counts from 0 in -c", script: "echo $LINENO\necho $LINENO ${LINENO}", want: "0\n1 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, status := runSh(t, t.TempDir(), "", []string{"HOME=/home"}, "-c", tt.script, "SHELL")
			if out != tt.want || errOut != tt.wantErr || status != tt.status {
				t.Errorf("sh -c %q:\nstdout %q, want %q\nstderr %q, want %q\nstatus %d, want %d",
					tt.script, out, tt.want, errOut, tt.wantErr, status, tt.status)
			}
		})
	}
}
