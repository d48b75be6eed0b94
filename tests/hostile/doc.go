// Package hostile is the hostile-function suite: real functions deployed and
// invoked through the API of a real `yun server`, each trying to break out
// of its sandbox or to hurt the node (fork bomb, memory bomb, CPU spin,
// filling /tmp, reading secrets, reaching Yun's ports, the host and other
// instances with and without internetAccess, forbidden system calls,
// setuid programs, writing outside /tmp, seeing other processes, making
// itself root in a user namespace (it must already be in one of its own
// where the host allows it); a WebAssembly infinite loop, out-of-memory and
// filling /tmp past diskSize). Every case asserts that the attempt is
// contained and that Yun and a control function keep working.
//
// TestHostile needs a host that can sandbox (root, namespaces, cgroups); on
// others it skips. TestHostileWasm runs everywhere. The functions live in
// testdata/<case>/; testdata/wasm is a Go program the test builds for WASI.
package hostile
