// Package gen is siogen's core: it loads Go packages, finds the consumer
// types marked with //sio:consumer, checks their handler methods and renders
// the generated files of each package (sio_gen.go, and one per constrained
// or test file with consumers). cmd/siogen is a thin main over
// [Generate], [Write] and [Check].
//
// # Pipeline
//
// [Generate] runs one packages.Load for all patterns, with the build tag
// siogen (generated files carry //go:build !siogen, so a stale output never
// blocks loading) and without NeedDeps, and a second one with Tests for the
// packages whose tests declare consumers. Consumers are grouped by the
// constraint of their file (constraints.go). For each package, analysis (analyse,
// methodOf, paramOf) collects every mistake with its position; rendering
// (render) builds the file with jennifer, iterating in sorted order so that
// the bytes are deterministic. [Write] writes only changed files; [Check]
// compares with the disk and returns unified diffs ([UnifiedDiff]).
//
// # Concurrency
//
// The functions of the package are safe for concurrent use; each call works
// on its own load of the packages.
//
// # Bounds
//
// Work is proportional to the size of the loaded packages. [UnifiedDiff]
// compares at most maxDiffCells line pairs; beyond that it replaces the whole
// file in one hunk.
package gen
