package awk

import "regexp"

// AST of the awk subset.
type (
	awkExpr interface{}
	awkStmt interface{}

	exNum   struct{ v float64 }
	exStr   struct{ v string }
	exRegex struct{ re *regexp.Regexp } // /re/ alone: matches $0
	exVar   struct {
		name  string
		local int
	} // local >= 0: function parameter
	exIndex struct {
		arr *exVar
		idx []awkExpr
	}
	exField struct {
		e    awkExpr
		line int // of the source, for "Access to negative field"
	}
	exUnary struct {
		op string
		e  awkExpr
	}
	exBinary struct {
		op   string
		l, r awkExpr
	}
	exAssign struct {
		op    string
		lv, e awkExpr
	}
	exIncDec struct {
		op  string
		pre bool
		lv  awkExpr
	}
	exCond  struct{ c, a, b awkExpr }
	exMatch struct {
		neg  bool
		l, r awkExpr
	}
	exIn struct {
		idx []awkExpr
		arr *exVar
	}
	exCall struct {
		name string
		args []awkExpr
	}
	exUser struct {
		name string
		args []awkExpr
		line int // of the source, for "Call to undefined function"
	}
	exGroup   struct{ e awkExpr }
	exGetline struct {
		lv   awkExpr
		file awkExpr
		cmd  awkExpr // "cmd" | getline
	}

	stPrint struct {
		printf bool
		args   []awkExpr
		redir  string
		dest   awkExpr
	}
	stExpr struct{ e awkExpr }
	stIf   struct {
		c    awkExpr
		a, b awkStmt
	}
	stWhile struct {
		c    awkExpr
		body awkStmt
		do   bool
	}
	stFor struct {
		init, post awkStmt
		c          awkExpr
		body       awkStmt
	}
	stForIn struct {
		v    *exVar
		arr  *exVar
		body awkStmt
	}
	stBlock    []awkStmt
	stNext     struct{}
	stNextFile struct{}
	stExit     struct{ e awkExpr }
	stReturn   struct{ e awkExpr }
	stBreak    struct{}
	stContinue struct{}
	stDelete   struct {
		arr *exVar
		idx []awkExpr
	}
)

type awkItem struct {
	begin, end bool
	pat, pat2  awkExpr // pat2: range
	inRange    bool
	body       stBlock // nil: print $0
}

type awkFunc struct {
	name   string
	params []string
	body   stBlock
}

type awkProgram struct {
	items []*awkItem
	funcs map[string]*awkFunc
}
