package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyAccount
	keyAccessKey
)

// newRequestID makes an id in FC 3.0's shape: 1-<unix seconds hex>-<random>.
func newRequestID(now time.Time) string {
	var b [12]byte
	rand.Read(b[:])
	return fmt.Sprintf("1-%08x-%s", now.Unix(), hex.EncodeToString(b[:]))
}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

// accountID is the account of the authenticated caller.
func accountID(ctx context.Context) string {
	id, _ := ctx.Value(keyAccount).(string)
	return id
}
