package foreign

// A hand-written file that happens to have siogen's output name: siogen
// refuses to overwrite it.
func helper() {}
