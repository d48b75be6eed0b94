package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyAccount
	keyAccessKey
	keyCall
)

// callInfo is what the API knows of the call a request makes: its id and,
// once authenticated, the caller's account and access key.
type callInfo struct {
	id, account, accessKey string
}

// callContext carries a request's callInfo in one context value instead of
// a chain of three: the lookups run several times per request on the warm
// path. keyRequestID, keyAccount and keyAccessKey still answer with the
// strings.
type callContext struct {
	context.Context
	info callInfo
}

func (c *callContext) Value(key any) any {
	switch key {
	case keyCall:
		return &c.info
	case keyRequestID:
		return c.info.id
	case keyAccount:
		return c.info.account
	case keyAccessKey:
		return c.info.accessKey
	}
	return c.Context.Value(key)
}

// withCall returns ctx carrying a new callInfo with the request id.
func withCall(ctx context.Context, id string) (context.Context, *callInfo) {
	c := &callContext{Context: ctx, info: callInfo{id: id}}
	return c, &c.info
}

func callOf(ctx context.Context) *callInfo {
	c, _ := ctx.Value(keyCall).(*callInfo)
	return c
}

// newRequestID makes an id in FC 3.0's shape: 1-<unix seconds hex>-<random>.
func newRequestID(now time.Time) string {
	const digits = "0123456789abcdef"
	var b [2 + 8 + 1 + 24]byte
	var r [12]byte
	rand.Read(r[:])
	b[0], b[1], b[10] = '1', '-', '-'
	sec := uint32(now.Unix())
	for i := 9; i >= 2; i-- {
		b[i] = digits[sec&0xf]
		sec >>= 4
	}
	hex.Encode(b[11:], r[:])
	return string(b[:])
}

func requestID(ctx context.Context) string {
	if c := callOf(ctx); c != nil {
		return c.id
	}
	return ""
}

// accountID is the account of the authenticated caller.
func accountID(ctx context.Context) string {
	if c := callOf(ctx); c != nil {
		return c.account
	}
	return ""
}
