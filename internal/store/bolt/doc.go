// Package bolt is the embedded metadata backend: store.Store on a single bbolt
// file in the data directory. It is the default for a one-node installation.
//
// Bucket layout (top-level buckets, created on Open):
//
//	meta                         schema version: "version" -> "1"
//	accounts   {accountID}       -> store.Account JSON
//	keys       {accessKeyID}     -> store.AccessKey JSON
//	functions  {accountID}/      nested bucket per account, created on its first function
//	             {functionName}  -> fc.Function JSON
//	docs       {kind}/           nested bucket per document kind
//	             {accountID}/{name} -> the document's JSON
//
// This is store's logical key schema with the account as a nested bucket, so
// listing one account's functions is a cursor walk over that bucket alone.
//
// Invariants:
//   - Every write is one read-write transaction, and bbolt fsyncs on commit
//     (NoSync is false): a method that returned nil has its change on disk,
//     and a killed process loses nothing that was committed.
//   - Keys sort byte-wise; ListFunctions pages in that order.
//   - A stored function's key is its FunctionName: UpdateFunction refuses a
//     callback that renames the function.
//   - One process at a time: Open takes bbolt's exclusive file lock and gives
//     up after LockTimeout with ErrLocked, so a second server on the same data
//     directory fails fast instead of hanging.
//   - UpdateFunction runs its callback inside the write transaction, which
//     serialises concurrent updates; the callback must be quick and must not
//     call the Store (bbolt allows one writer, so that would deadlock).
//
// Access keys are listed per account by scanning the keys bucket, and
// CodeInUse scans the functions of every account. Both are linear and fine at
// a single node's scale; a secondary index (checksum -> function) can come
// later without changing the contract.
package bolt
