package namespaces

// Literal is given a regular expression as a namespace name.
//
//sio:consumer namespace=/^room-\d+$
type Literal struct{}

// Invalid has a regular expression that does not compile.
//
//sio:consumer regexp=^/room-(\d+$
type Invalid struct{}

// NoSlash can never match: namespace names start with /.
//
//sio:consumer regexp=^room-\d+$
type NoSlash struct{}

// Both sets a name and a pattern.
//
//sio:consumer namespace=/room regexp=^/room-\d+$
type Both struct{}

// First and Second serve the same pattern.
//
//sio:consumer regexp=^/same$
type First struct{}

//sio:consumer regexp=^/same$
type Second struct{}

// WrongType names a function of the wrong type.
//
//sio:consumer match=wrongType
type WrongType struct{}

func wrongType(name string) bool { return true }

// Missing names no declaration.
//
//sio:consumer match=missing
type Missing struct{}

// Variable names a variable, not a function.
//
//sio:consumer match=variable
type Variable struct{}

var variable = func(name string, auth []byte) bool { return true }

// Generic names a generic function.
//
//sio:consumer match=generic
type Generic struct{}

func generic[T any](name string, auth []byte) bool { return true }

// Unanchored is only warned about.
//
//sio:consumer regexp=room
type Unanchored struct{}
