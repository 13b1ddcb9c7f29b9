package text

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var diffTimes = regexp.MustCompile(`(?m)^(---|\+\+\+) (\S+)\t.*$`)

func stripDiffTimes(s string) string { return diffTimes.ReplaceAllString(s, "$1 $2") }

func TestTextGolden(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := textTree(t)
	writeFiles(t, dir, map[string]string{
		"csv":     "name,age,city\nbob,25,paris\nalice,30,rome\ncarol,,oslo\nnodelim\n",
		"words":   "pear\napple\npear\nfig\napple\napple\nbanana\n\nFig\n",
		"sorted1": "a\nb\nd\ne\n",
		"sorted2": "b\nc\nd\nf\n",
		"human":   "1K\n512\n2M\n1G\n3K\n10\n",
		"vers":    "v1.10\nv1.2\nv1.9.1\nv1.9\nv2.0~rc1\nv2.0\n",
		"cols":    "b 2 x\na 10 y\nc 1 z\na 2 w\n",
		"old":     "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\ntwelve\n",
		"new":     "zero\none\ntwo\nTHREE\nfour\nfive\nsix\nseven\neight\nnine\nten\ntwelve\nthirteen",
		"blank1":  "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n",
		"blank2":  "a\n\nb\nc\nd\ne\nf\ng\nX\ni\nj\nk\nl\n\n\nm\n",
		"blank3":  "\na\nb\nc\nd\ne\n\nf\ng\nh\ni\nj\nk\nl\nm\n\n",
		"long":    strings.Repeat("abcdefghij ", 20) + "\n",
		"d1/x":    "same\n", "d1/y": "old\n", "d1/only1": "1\n", "d1/sub/z": "a\nb\n",
		"d2/x": "same\n", "d2/y": "new\n", "d2/only2": "2\n", "d2/sub/z": "a\nc\n",
	})
	cases := []struct {
		pkg  string
		post func(string) string
		args []string
	}{
		{"sed", nil, []string{"sed", "s/a/b/", "words"}},
		{"sed", nil, []string{"sed", "-n", "s/a/b/p", "words"}},
		{"sed", nil, []string{"sed", "s/p/P/g", "words"}},
		{"sed", nil, []string{"sed", "s/p/P/2", "words"}},
		{"sed", nil, []string{"sed", "s/APPLE/x/I", "words"}},
		{"sed", nil, []string{"sed", "-E", "s/(a)(p+)/\\2\\1[&]/", "words"}},
		{"sed", nil, []string{"sed", "s/\\(p\\)\\(e\\)/\\2\\1/", "words"}},
		{"sed", nil, []string{"sed", "-n", "2,4p", "words"}},
		{"sed", nil, []string{"sed", "-n", "$p", "words"}},
		{"sed", nil, []string{"sed", "/apple/d", "words"}},
		{"sed", nil, []string{"sed", "/fig/,/banana/d", "words"}},
		{"sed", nil, []string{"sed", "-n", "/pear/,+1p", "words"}},
		{"sed", nil, []string{"sed", "3q", "words"}},
		{"sed", nil, []string{"sed", "2!d", "words"}},
		{"sed", nil, []string{"sed", "-n", "=", "words"}},
		{"sed", nil, []string{"sed", "y/aep/AEP/", "words"}},
		{"sed", nil, []string{"sed", "2a\\\nadded", "words"}},
		{"sed", nil, []string{"sed", "1i top", "words"}},
		{"sed", nil, []string{"sed", "/fig/c changed", "words"}},
		{"sed", nil, []string{"sed", "-e", "s/a/A/", "-e", "s/e/E/", "words"}},
		{"sed", nil, []string{"sed", "1~3d", "words"}},
		{"sed", nil, []string{"sed", "-n", "/apple/{s/a/o/;p}", "words"}},
		{"sed", nil, []string{"sed", "$!N;s/\\n/+/", "words"}},
		{"sed", nil, []string{"sed", "-n", "h;n;G;p", "words"}},
		{"sed", nil, []string{"sed", ":a;s/pp/p/;ta", "words"}},
		{"sed", nil, []string{"sed", "s|/|_|g", "csv"}},
		{"sed", nil, []string{"sed", "s/x/y/", "new"}},
		{"coreutils", nil, []string{"sort", "words"}},
		{"coreutils", nil, []string{"sort", "-r", "words"}},
		{"coreutils", nil, []string{"sort", "-u", "words"}},
		{"coreutils", nil, []string{"sort", "-f", "words"}},
		{"coreutils", nil, []string{"sort", "-n", "nums"}},
		{"coreutils", nil, []string{"sort", "-rn", "nums"}},
		{"coreutils", nil, []string{"sort", "-h", "human"}},
		{"coreutils", nil, []string{"sort", "-V", "vers"}},
		{"coreutils", nil, []string{"sort", "-k2", "-n", "cols"}},
		{"coreutils", nil, []string{"sort", "-k2,2n", "cols"}},
		{"coreutils", nil, []string{"sort", "-k1,1", "-k2,2nr", "cols"}},
		{"coreutils", nil, []string{"sort", "-t", ",", "-k2", "-n", "csv"}},
		{"coreutils", nil, []string{"sort", "-s", "-k1,1", "cols"}},
		{"coreutils", nil, []string{"uniq", "words"}},
		{"coreutils", nil, []string{"uniq", "-c", "words"}},
		{"coreutils", nil, []string{"uniq", "-d", "words"}},
		{"coreutils", nil, []string{"uniq", "-u", "words"}},
		{"coreutils", nil, []string{"uniq", "-ic", "words"}},
		{"coreutils", nil, []string{"uniq", "words", "-"}},
		{"coreutils", nil, []string{"cut", "-d", ",", "-f", "1,3", "csv"}},
		{"coreutils", nil, []string{"cut", "-d,", "-f2-", "csv"}},
		{"coreutils", nil, []string{"cut", "-d,", "-f1", "-s", "csv"}},
		{"coreutils", nil, []string{"cut", "-c", "2-4", "csv"}},
		{"coreutils", nil, []string{"cut", "-c", "-3,5", "csv"}},
		{"coreutils", nil, []string{"cut", "-d,", "--complement", "-f2", "csv"}},
		{"coreutils", nil, []string{"comm", "sorted1", "sorted2"}},
		{"coreutils", nil, []string{"comm", "-12", "sorted1", "sorted2"}},
		{"coreutils", nil, []string{"comm", "-3", "sorted1", "sorted2"}},
		{"coreutils", nil, []string{"paste", "sorted1", "sorted2"}},
		{"coreutils", nil, []string{"paste", "-d,", "sorted1", "csv"}},
		{"coreutils", nil, []string{"paste", "-s", "sorted1"}},
		{"util-linux", nil, []string{"rev", "csv"}},
		{"coreutils", nil, []string{"nl", "words"}},
		{"coreutils", nil, []string{"nl", "-ba", "words"}},
		{"coreutils", nil, []string{"fold", "-w", "30", "long"}},
		{"coreutils", nil, []string{"fold", "-s", "-w", "25", "long"}},
		{"coreutils", nil, []string{"expand", "-t", "4", "csv"}},
		{"diffutils", nil, []string{"diff", "old", "new"}},
		{"diffutils", stripDiffTimes, []string{"diff", "-u", "old", "new"}},
		{"diffutils", stripDiffTimes, []string{"diff", "-U1", "old", "new"}},
		{"diffutils", nil, []string{"diff", "old", "old"}},
		{"diffutils", nil, []string{"diff", "-B", "blank1", "blank2"}},
		{"diffutils", stripDiffTimes, []string{"diff", "-uB", "blank1", "blank2"}},
		{"diffutils", stripDiffTimes, []string{"diff", "-U1", "-B", "blank1", "blank2"}},
		{"diffutils", nil, []string{"diff", "-B", "blank1", "blank3"}},
		{"diffutils", stripDiffTimes, []string{"diff", "-uB", "blank3", "blank1"}},
		{"diffutils", nil, []string{"diff", "-q", "old", "new"}},
		{"diffutils", nil, []string{"diff", "sorted1", "sorted2"}},
		{"diffutils", stripDiffTimes, []string{"diff", "-u", "sorted1", "sorted2"}},
		{"diffutils", stripDiffTimes, []string{"diff", "-u", "words", "csv"}},
		{"diffutils", stripDiffTimes, []string{"diff", "-ru", "d1", "d2"}},
		{"diffutils", nil, []string{"diff", "d1", "d2"}},
		{"diffutils", nil, []string{"diff", "old", "missing"}},
	}
	for _, c := range cases {
		golden(t, dir, "", c.pkg, c.post, c.args...)
	}
	trCases := [][]string{
		{"tr", "a-z", "A-Z"},
		{"tr", "-d", "aeiou"},
		{"tr", "-s", "p"},
		{"tr", "-cd", "[:alpha:]\\n"},
		{"tr", "[:lower:]", "[:upper:]"},
		{"tr", "-s", "\\n"},
		{"tr", "abc", "x"},
		{"tr", "-c", "a-z\\n", "_"},
	}
	words, _ := os.ReadFile(filepath.Join(dir, "words"))
	for _, c := range trCases {
		golden(t, dir, string(words), "coreutils", nil, c...)
	}
}
