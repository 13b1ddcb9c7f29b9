//go:build !linux

package archive

import "errors"

func mknodat(int, string, uint32, int64, int64) error {
	return errors.New("device nodes are not supported on this OS")
}
