// Package spike is the provisioned-capacity benchmark: a 50 ms Node.js
// function gets a provision config of Target instances; closed-loop load then
// steps from a baseline to exactly Target × instanceConcurrency requests in
// flight (which the provisioned instances must absorb with zero cold starts
// and a flat P95), and then beyond it (the overflow must be served by
// on-demand instances, with cold starts and no errors).
//
// PutProvisionConfig is being added to Yun's API; against a server that
// answers it with "not supported", Run writes a report saying the scenario
// cannot run yet and returns ErrUnsupported.
package spike
