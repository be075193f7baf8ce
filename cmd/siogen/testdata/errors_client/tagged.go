//go:build !nosuchtag

package bad

// Tagged is declared under a build constraint.
//
//sio:consumer namespace=/tagged
type Tagged struct{}
