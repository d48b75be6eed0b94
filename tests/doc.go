// Package tests holds Yun's end-to-end suites: each test starts a real
// `yun server` binary on a random loopback port with its own data directory
// and talks to it the way users do — with the yun CLI, the Go client and the
// official FC Node SDK.
package tests
