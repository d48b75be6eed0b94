// Package fc is the vocabulary of Function Compute 3.0 (API version 2023-03-30)
// as Yun speaks it: the wire models with their exact JSON names and types, the
// error codes, the runtime catalogue, the documented limits and the validation
// of user input against them.
//
// It is a leaf: it imports nothing of Yun's, and everything else may import it.
// Models follow ../shared/fc3-api.md §3; input models use pointer fields so that
// an UpdateFunction can tell "not sent" from "set to the zero value".
package fc
