package awk

import (
	"strconv"
	"strings"
)

type awkVal struct {
	s string
	n float64
	k uint8 // kNum, kStr, kStrNum
}

const (
	kNum uint8 = iota
	kStr
	kStrNum
)

func awkNum(n float64) awkVal { return awkVal{n: n, k: kNum} }

func awkStr(s string) awkVal { return awkVal{s: s, k: kStr} }

// awkInput is a string from input (field, getline, -v): numeric-looking ones compare as
// numbers.
func awkInput(s string) awkVal {
	if looksNumeric(s) {
		return awkVal{s: s, n: awkStrToNum(s), k: kStrNum}
	}
	return awkVal{s: s, k: kStr}
}

func looksNumeric(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" {
		return false
	}
	_, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return false
	}
	l := strings.ToLower(t)
	return !strings.Contains(l, "inf") && !strings.Contains(l, "nan") && !strings.HasPrefix(strings.TrimLeft(l, "+-"), "0x")
}

// awkStrToNum converts the longest numeric prefix of s, as awk does ("3abc" is 3).
func awkStrToNum(s string) float64 {
	s = strings.TrimLeft(s, " \t\n\r\f\v")
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		if v, err := strconv.ParseInt(s[2:], 16, 64); err == nil {
			return float64(v)
		}
	}
	end := 0
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := false
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits = true
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits = true
		}
	}
	if !digits {
		return 0
	}
	end = i
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && s[j] >= '0' && s[j] <= '9' {
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			end = j
		}
	}
	v, _ := strconv.ParseFloat(s[:end], 64)
	return v
}

func num(v awkVal) float64 {
	if v.k == kStr {
		return awkStrToNum(v.s)
	}
	return v.n
}

func truthy(v awkVal) bool {
	switch v.k {
	case kNum:
		return v.n != 0
	case kStrNum:
		if v.s == "" {
			return false
		}
		return v.n != 0
	}
	return v.s != ""
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
