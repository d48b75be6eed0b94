// Package wasm is Yun's WebAssembly execution engine: it runs WASI preview 1
// command modules (runtime "wasm.wasip1") inside Yun's process on wazero.
// The function's handler names the module file in the code package, e.g.
// "main.wasm".
//
// The contract with the guest, per invocation:
//
//	stdin   the event (the invocation body)
//	stdout  the result body (at most fc.MaxSyncPayload bytes)
//	stderr  the function's log, one line per line
//	argv    [handler]
//	env     the user's variables, then the FC context: FC_REQUEST_ID,
//	        FC_FUNCTION_NAME, FC_FUNCTION_HANDLER, FC_FUNCTION_MEMORY_SIZE,
//	        FC_TIMEOUT, FC_REGION, FC_ACCOUNT_ID, FC_QUALIFIER, FC_VERSION_ID,
//	        FC_INSTANCE_ID, FC_RUNTIME, FC_FUNC_CODE_PATH=/code/, PWD=/code
//	files   /code (the code package, read-only) and /tmp (the instance's
//	        own, kept across its invocations, at most diskSize: past it
//	        writes fail with ENOSPC); nothing else, no symbolic links, no
//	        climbing out with ".."
//	network none
//	exit 0  success; anything else is an UnhandledInvocationError with FC's
//	        error body: errorType ExitError, WasmTrap, OutOfMemory (memory
//	        could not grow and then the guest failed, or the instance's
//	        other invocations hold all of it), ResponseTooLarge, or no
//	        errorType and "Function timed out after N seconds"
//
// An Instance holds a compiled module and a scratch directory and runs
// nothing between invocations: each Invoke instantiates the module afresh
// (a WASI command runs _start once and exits), so invocations of one
// instance run side by side, and a guest that crashed, trapped, ran out of
// memory or timed out leaves nothing behind: Result.Broken is always false.
//
// Invariants:
//   - One wazero runtime serves every instance, with WithCloseOnContextDone:
//     an invocation's deadline, its caller's cancellation and the instance's
//     Stop end the guest at its next function call, loop iteration or host
//     call; guest sleeps (poll_oneoff) end with the invocation's context.
//   - A module file is compiled once per engine while anything uses it
//     (moduleCache: concurrent Starts share one compilation, idle modules
//     are kept up to Config.MaxIdleModules), and its machine code once per
//     content and wazero version when Config.CacheDir is set.
//   - The linear memory of an instance's invocations together is limited
//     to memorySize (budget), as the scheduler reserves it on the node,
//     by the memory allocator (linearMemory), not by the runtime's memory
//     limit: the allocator sees a refused memory.grow, which is how an
//     out-of-memory failure is told apart from other exits, and a runtime
//     limit would be per module instance and would need one runtime, and
//     one compilation, per memory size.
//   - Linear memory comes from a pool of zeroed buffers (memoryPool) that a
//     goroutine owned by the Engine zeroes after use: touching fresh pages
//     costs more than anything else in a cold start.
//   - Modules are rewritten before compiling by packData, which merges the
//     tens of thousands of data segments Go's linker emits; see pack.go.
//   - The guest's directories are confined (fs.go): wazero's own directory
//     mount follows ".." and symbolic links out of the directory.
//   - /tmp holds at most diskSize, as a tmpfs of that size would (disk.go):
//     its invocations' writes, creations and removals keep one count, in
//     4 KiB blocks, without reading the directory. wazero has no ENOSPC,
//     so the WASI functions that can grow /tmp turn a refusal into WASI's
//     NOSPC (nospace.go).
//   - Stop is idempotent, ends running guests, waits for them (bounded by
//     its ctx), releases the module and removes the scratch directory; Done
//     closes when Stop is done.
//   - Goroutines: the Engine owns memoryPool.run and scratchDirs.run (which
//     makes scratch directories ahead of time), both stopped by Close; an
//     Instance with Spec.Logs owns its sink's, stopped by Stop. Close the
//     Engine only after stopping its instances.
//
// Not enforced yet: cpu (a guest runs on a goroutine of Yun, as fast as the
// Go scheduler lets it: Go has no per-goroutine CPU quota) and lifecycle
// hooks (Start refuses a spec with an initializer or preStop).
package wasm
