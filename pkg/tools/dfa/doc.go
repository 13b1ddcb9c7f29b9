// Package dfa answers "does this line match?" for a regular expression with one table
// lookup a byte: a DFA built lazily from the regexp's compiled program, as GNU grep does,
// where Go's regexp simulates an NFA at tens of MB/s. It covers ASCII; for anything else
// it says it is not sure, and grep asks the regexp.
package dfa
