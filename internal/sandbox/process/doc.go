// Package process is Yun's first execution engine: every instance is a child
// process of Yun that speaks the FC custom-runtime HTTP contract
// (fc3-api.md §8.4). Node.js and Python functions run under small bootstraps
// embedded in this package (bootstrap/node.js and bootstrap/python.py) that
// implement the contract and call the user's handler(event, context); custom
// runtimes are the user's own server.
//
// By default (Config.Isolation = IsolationSandbox) every instance runs in a
// jail (package jail): its own PID, mount, IPC, UTS and network namespaces,
// the runtime in a user namespace of its own where the host allows it
// (mapping only the instance's uid; New logs a warning where it does not),
// its own unprivileged uid, no capabilities, no_new_privs, a seccomp filter,
// a read-only root of the host's runtime directories, the code read-only at
// /code, the function's layers merged read-only at /opt (overlayfs, the
// last layer on top), the bootstraps at /var/fc/runtime, a /tmp tmpfs of
// diskSize, and a cgroup limiting memory to memorySize without swap, CPU to the function's
// cpu and the number of processes. The instance's network namespace has
// loopback, plus, for a function with internetAccess, an eth0 routed and
// masqueraded through the host (internet.go, package egress); every
// instance listens on the function's own port (customRuntimeConfig.port,
// default 9000, in FC_CUSTOM_LISTEN_PORT) and the engine reaches it by
// making its connections inside that namespace. New
// refuses to start where the host cannot sandbox (ErrIsolationUnavailable).
// IsolationNone runs plain child processes for trusted code: each gets a
// free loopback port, FC_FUNC_CODE_PATH is the real CodeDir and "/code" at
// the start of a custom command or argument is rewritten to it; NODE_PATH
// and PYTHONPATH point into the layers' own directories where FC's
// runtimes look under /opt (nodejs/node_modules, python, …).
//
// Pre-warming (Config.Prewarm; pool.go, prewarm.go): per kind of runtime
// the engine keeps sandboxes made ahead of any function, their Node.js or
// Python runtime booted and waiting on a control socket, or for custom
// runtimes the jail built and its init waiting for the command. Start takes
// one when it can (a hit), mounts the code, layers and /tmp into it from
// the host, sets its cgroup to the function's limits, sends the function's
// environment and lets the runtime load the handler; else it boots from
// scratch (a miss). A pre-warmed sandbox is made exactly as a fresh one
// and serves one function only.
//
// An instance is started by Engine.Start and lives until Stop:
//
//	launch: scratch dir; sandbox: uid, cgroup and jail (isolation.go,
//	        confine.go); exec (command.go is the one place that builds the
//	        process)
//	boot:   poll-connect until the port answers, then POST /initialize
//	serve:  POST /invoke per Invoke (or the HTTP request passed through),
//	        over the instance's own pool of keep-alive connections, each
//	        exchange on the caller's goroutine (transport.go)
//	stop:   GET /pre-stop, SIGTERM, SIGKILL, reap, remove the cgroup,
//	        the mounts of a pre-warmed sandbox and the scratch dir
//
// Invariants:
//   - Each instance is its own process group with Pdeathsig SIGKILL, so
//     killing the group ends everything it spawned and the instance dies
//     with Yun. In the sandbox the main process is the jail's init, pid 1 of
//     the instance's namespace: when it ends, the kernel ends every process
//     of the instance, also those that left the group.
//   - A sandboxed instance is in its cgroup before any of its code runs; the
//     cgroup is removed by Stop, and New removes (killing their processes)
//     the cgroups a previous run over the same RunDir left, and the empty
//     ones any other run left more than a minute ago.
//   - Stdout and stderr share one pipe that only the capture goroutine reads.
//     It never blocks on the consumer: lines beyond a bounded buffer are
//     dropped and counted. The engine writes its own markers into the same
//     pipe, so "FC Invoke Start/End" lines are ordered exactly with the
//     runtime's output and a line is attributed by its position in the stream.
//   - Done closes once the main process has been reaped; the owner still calls
//     Stop, which is idempotent and removes what the instance made.
//   - An instance the kernel killed for memory answers its invocation with
//     errorType ErrorTypeMemoryLimit; max memory is the cgroup's peak, which
//     counts every process of the instance and its /tmp.
package process
