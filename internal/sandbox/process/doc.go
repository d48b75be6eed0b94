// Package process is Yun's first execution engine: every instance is a child
// process of Yun that speaks the FC custom-runtime HTTP contract
// (fc3-api.md §8.4) on a loopback port. Node.js and Python functions run
// under small bootstraps embedded in this package (bootstrap/node.js and
// bootstrap/python.py) that implement the contract and call the user's
// handler(event, context); custom runtimes are the user's own server.
//
// An instance is started by Engine.Start and lives until Stop:
//
//	launch: scratch dir, free port, exec (command.go is the one place that
//	        builds the process; the namespace/cgroup sandbox hooks in there)
//	boot:   poll-connect until the port answers, then POST /initialize
//	serve:  POST /invoke per Invoke, over one keep-alive http.Transport
//	stop:   GET /pre-stop, SIGTERM, SIGKILL, reap, remove the scratch dir
//
// Invariants:
//   - Each instance is its own process group with Pdeathsig SIGKILL, so
//     killing the group ends everything it spawned (unless a descendant left
//     the group) and the instance dies with Yun.
//   - Stdout and stderr share one pipe that only the capture goroutine reads.
//     It never blocks on the consumer: lines beyond a bounded buffer are
//     dropped and counted. The engine writes its own markers into the same
//     pipe, so "FC Invoke Start/End" lines are ordered exactly with the
//     runtime's output and a line is attributed by its position in the stream.
//   - Done closes once the main process has been reaped; the owner still calls
//     Stop, which is idempotent and removes the scratch directory.
//
// Until the sandbox lands there is no network namespace: each instance gets
// its own free loopback port, passed in FC_CUSTOM_LISTEN_PORT, and the
// configured customRuntimeConfig.port (Spec.Port) cannot be honoured for
// every instance. Custom runtimes must listen on FC_CUSTOM_LISTEN_PORT.
// Likewise /code does not exist yet: FC_FUNC_CODE_PATH is the real CodeDir,
// and "/code" at the start of a custom command or argument is rewritten to it.
package process
