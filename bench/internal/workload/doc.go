// Package workload is what the benchmarks deploy and send: the function
// definitions (code zipped from the repository), and the request that
// invokes one through Yun's API and classifies the answer for load.Sample.
package workload
