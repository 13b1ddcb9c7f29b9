// Package text holds the text-processing applets: grep, sed, awk, sort, cut, diff and friends.
package text
