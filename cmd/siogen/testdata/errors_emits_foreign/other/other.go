// Package other declares interfaces that errors_emits_foreign embeds.
package other

type secret struct{ N int }

// Events has an event whose argument's type this package does not export.
type Events interface {
	Hidden(s secret)
	Fine(n int)
}

// Public is embeddable as it is.
type Public interface {
	Shout(text string)
}
