// Package e2e holds the end-to-end tests of the host face (`ddebug exec`) against a real
// Docker Engine. They are behind the e2e build tag, need root, and are run by `make e2e`
// (and so by `make test` and CI), which installs and starts Docker when it is missing.
package e2e
